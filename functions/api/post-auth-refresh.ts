import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { REFRESH_COOKIE, refreshCookie, sessionCookie } from '../../shared/auth/cookies.ts';
import { readCookie } from '../../shared/auth/principal.ts';
import { SESSION_TTL_SECONDS, sessionKey, signSessionToken } from '../../shared/auth/session-jwt.ts';
import { rotateRefreshToken } from '../../shared/auth/sessions.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { UnauthorizedError } from '../../shared/errors.ts';
import { postAuthRefresh } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(postAuthRefresh, async ({ event }) => {
  const presented = readCookie(event.cookies, REFRESH_COOKIE);
  if (!presented) throw new UnauthorizedError('No refresh cookie', 'invalid_refresh');
  const rotated = await rotateRefreshToken(await getDb(), presented);
  const now = new Date();
  const token = await signSessionToken(
    sessionKey(await getAppSecret('session')),
    {
      sub: rotated.userId,
      sid: rotated.sessionId,
    },
    now,
  );
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000).toISOString();
  return HttpResponse.json(200, { expiresAt }).withCookies(
    sessionCookie(token),
    refreshCookie(rotated.refreshToken),
  );
});
