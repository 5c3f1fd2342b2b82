import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { UnauthorizedError } from '../errors.ts';
import { uuid } from '../text/uuid.ts';

export const SESSION_ISSUER = 'assay';
export const SESSION_AUDIENCE = 'assay-api';
/** Access tokens are short-lived; the refresh token renews them. */
export const SESSION_TTL_SECONDS = 15 * 60;

const claimsSchema = z.object({ sub: uuid(), sid: uuid() });
export type SessionClaims = z.infer<typeof claimsSchema>;

/** The HMAC key for session tokens, derived from the session secret with a purpose label. */
export function sessionKey(secret: string, purpose = 'session'): Uint8Array {
  return createHash('sha256').update(`assay:${purpose}:`).update(secret).digest();
}

/** Signs a session access token (HS256) for user `sub` in session `sid`. */
export async function signSessionToken(
  key: Uint8Array,
  claims: SessionClaims,
  now = new Date(),
): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + SESSION_TTL_SECONDS)
    .sign(key);
}

/**
 * Verifies a session token: HS256 only (so `alg: none` and key confusion are
 * refused), signature, issuer, audience and expiry. Any failure is a 401.
 */
export async function verifySessionToken(key: Uint8Array, token: string): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    return claimsSchema.parse(payload);
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'Session expired' : 'Invalid session token';
    throw new UnauthorizedError(
      reason,
      error instanceof errors.JWTExpired ? 'session_expired' : 'invalid_token',
    );
  }
}
