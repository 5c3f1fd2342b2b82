import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { safeEqual } from './secrets.ts';
import { sessionKey } from './session-jwt.ts';

const stateClaims = z.object({ nonce: z.string().min(16), returnTo: z.string().startsWith('/') });

/**
 * Starts a sign-in round trip: a random nonce (sent to GitHub as `state`) and
 * the signed, 10-minute cookie value that binds it to this browser.
 */
export async function issueOAuthState(
  secret: string,
  returnTo: string,
): Promise<{ state: string; cookie: string }> {
  const nonce = randomBytes(24).toString('base64url');
  const cookie = await new SignJWT({ nonce, returnTo })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('assay')
    .setAudience('assay-oauth-state')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(sessionKey(secret, 'oauth-state'));
  return { state: nonce, cookie };
}

/** Checks GitHub's `state` against the cookie (400 `invalid_state` otherwise); returns where to go after. */
export async function checkOAuthState(
  secret: string,
  cookie: string | undefined,
  state: string,
): Promise<string> {
  const invalid = () =>
    new ValidationError('Sign-in state is missing, expired or does not match', undefined, 'invalid_state');
  if (!cookie) throw invalid();
  try {
    const { payload } = await jwtVerify(cookie, sessionKey(secret, 'oauth-state'), {
      algorithms: ['HS256'],
      issuer: 'assay',
      audience: 'assay-oauth-state',
    });
    const claims = stateClaims.parse(payload);
    if (!safeEqual(claims.nonce, state)) throw invalid();
    return claims.returnTo;
  } catch {
    throw invalid();
  }
}
