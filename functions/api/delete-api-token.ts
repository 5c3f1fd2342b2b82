import { getDb } from '../../shared/db/connection.ts';
import { revokeApiToken } from '../../shared/identity/api-tokens.service.ts';
import { deleteApiToken } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(deleteApiToken, async ({ params }, { access, actor }) => {
  await revokeApiToken(await getDb(), access!, actor, params.id);
  return new HttpResponse(204, undefined);
});
