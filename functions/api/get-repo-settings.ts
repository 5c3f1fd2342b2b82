import { getDb } from '../../shared/db/connection.ts';
import { getRepositorySettings } from '../../shared/repositories/settings.service.ts';
import { getRepoSettings } from '../contracts/repositories.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getRepoSettings, async ({ params }, { access }) =>
  getRepositorySettings(await getDb(), access!, params),
);
