import { getDb } from '../../shared/db/connection.ts';
import { listApiTokens } from '../../shared/identity/api-tokens.service.ts';
import { getApiTokens } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getApiTokens, async ({ query }, { access }) =>
  listApiTokens(await getDb(), access!.orgId, query),
);
