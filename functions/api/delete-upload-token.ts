import { revokeUploadToken } from '../../shared/ci/upload-tokens.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { deleteUploadToken } from '../contracts/ci.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(deleteUploadToken, async ({ params }, { access, actor }) => {
  await revokeUploadToken(await getDb(), access!, actor, params, params.id);
  return new HttpResponse(204, undefined);
});
