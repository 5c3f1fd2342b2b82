import { getDb } from '../../shared/db/connection.ts';
import { putRepositorySettings } from '../../shared/repositories/settings.service.ts';
import { patchRepoSettings } from '../contracts/repositories.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(patchRepoSettings, async ({ params, body }, { access, actor }) =>
  putRepositorySettings(await getDb(), access!, actor, params, body),
);
