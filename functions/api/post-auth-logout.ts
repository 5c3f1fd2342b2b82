import { clearedCookies } from '../../shared/auth/cookies.ts';
import { revokeSession } from '../../shared/auth/sessions.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { ValidationError } from '../../shared/errors.ts';
import { postAuthLogout } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(postAuthLogout, async (_input, { principal }) => {
  if (principal?.kind !== 'user')
    throw new ValidationError('Only a signed-in session can sign out', undefined, 'not_a_session');
  await revokeSession(await getDb(), principal.sessionId, 'logout');
  return new HttpResponse(204, undefined, {}, clearedCookies());
});
