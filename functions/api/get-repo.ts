import { getDb } from '../../shared/db/connection.ts';
import { getRepository } from '../../shared/repositories/repositories.service.ts';
import { getRepo } from '../contracts/repos.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getRepo, async ({ params }, { access }) =>
  getRepository(await getDb(), access!.orgId, params),
);
