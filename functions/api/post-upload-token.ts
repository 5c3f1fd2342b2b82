import { createUploadToken } from '../../shared/ci/upload-tokens.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postUploadToken } from '../contracts/ci.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postUploadToken, async ({ params, body }, { access, principal, actor }) =>
  createUploadToken(await getDb(), access!, actor, params, body, principal?.userId ?? null),
);
