import { getDb } from '../../shared/db/connection.ts';
import { listRepositories } from '../../shared/repositories/repositories.service.ts';
import { getRepos } from '../contracts/repos.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getRepos, async ({ query }, { access }) =>
  listRepositories(await getDb(), access!.orgId, query),
);
