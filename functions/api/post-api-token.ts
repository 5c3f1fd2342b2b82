import { getDb } from '../../shared/db/connection.ts';
import { createApiToken } from '../../shared/identity/api-tokens.service.ts';
import { postApiToken } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postApiToken, async ({ body }, { access, principal, actor }) =>
  createApiToken(await getDb(), access!, principal, actor, body),
);
