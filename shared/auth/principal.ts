import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { UnauthorizedError } from '../errors.ts';
import { decodeUriComponentOrUndefined } from '../text/decode.ts';
import type { Role } from './roles.ts';
import { hashToken } from './secrets.ts';
import { verifySessionToken } from './session-jwt.ts';
import { markTokenUsed } from './token-usage.ts';

/** Prefix of API tokens, so they are told from session tokens (and found by secret scanners). */
export const API_TOKEN_PREFIX = 'assay_pat_';
export const SESSION_COOKIE = 'assay_session';

/** Who is calling. */
export type Principal =
  | { kind: 'user'; userId: string; login: string; sessionId: string; via: 'cookie' | 'bearer' }
  | {
      kind: 'api_token';
      tokenId: string;
      orgId: string;
      role: Role;
      userId: string | null;
      login: string;
      via: 'bearer';
    };

/**
 * Reads one cookie from API Gateway v2's `cookies` list, percent-decoded. A
 * value that is not valid percent-encoding (`%ZZ`) is treated as absent.
 */
export function readCookie(cookies: readonly string[] | undefined, name: string): string | undefined {
  for (const cookie of cookies ?? []) {
    for (const part of cookie.split(/;\s*/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name)
        return decodeUriComponentOrUndefined(part.slice(eq + 1).trim());
    }
  }
  return undefined;
}

async function fromApiToken(db: Kysely<Database>, token: string): Promise<Principal> {
  // Before any tenant is known: the system role, which the tables' row-level security admits.
  const row = await withSystem(db, async (trx) => {
    const found = await trx
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.id', 'api_tokens.user_id')
      .innerJoin('orgs', 'orgs.id', 'api_tokens.org_id')
      .select([
        'api_tokens.id',
        'api_tokens.org_id',
        'api_tokens.role',
        'api_tokens.user_id',
        'api_tokens.name',
        'users.login',
      ])
      .where('api_tokens.token_hash', '=', hashToken(token))
      .where('api_tokens.revoked_at', 'is', null)
      .where('api_tokens.expires_at', '>', sql<Date>`now()`)
      // Tokens of a deleted organisation are refused like revoked ones.
      .where('orgs.deleted_at', 'is', null)
      .executeTakeFirst();
    if (found) await markTokenUsed(trx, 'api_tokens', found.id);
    return found;
  });
  if (!row) throw new UnauthorizedError('API token is invalid, expired or revoked', 'invalid_token');
  return {
    kind: 'api_token',
    tokenId: row.id,
    orgId: row.org_id,
    role: row.role,
    userId: row.user_id,
    login: row.login ?? `token:${row.name}`,
    via: 'bearer',
  };
}

async function fromSession(
  db: Kysely<Database>,
  key: Uint8Array,
  token: string,
  via: 'cookie' | 'bearer',
): Promise<Principal> {
  const claims = await verifySessionToken(key, token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.revoked_at', 'users.id as user_id', 'users.login'])
    .where('sessions.id', '=', claims.sid)
    .executeTakeFirst();
  if (!row || row.user_id !== claims.sub) throw new UnauthorizedError('Session not found', 'invalid_token');
  if (row.revoked_at) throw new UnauthorizedError('Session was signed out', 'session_revoked');
  return { kind: 'user', userId: row.user_id, login: row.login, sessionId: row.id, via };
}

/**
 * Identifies the caller from `Authorization: Bearer` (an API token or a
 * session token) or the session cookie. No credentials, or credentials that
 * fail any check (signature, algorithm, audience, issuer, expiry, revocation),
 * is a 401. Runs with the connection's own role: sessions and token hashes are
 * looked up before any tenant is known.
 */
export async function authenticate(
  db: Kysely<Database>,
  sessionKey: Uint8Array,
  request: { headers: Readonly<Record<string, string>>; cookies?: readonly string[] },
): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new UnauthorizedError('Authorization must be "Bearer <token>"', 'invalid_token');
    const token = match[1];
    return token.startsWith(API_TOKEN_PREFIX)
      ? fromApiToken(db, token)
      : fromSession(db, sessionKey, token, 'bearer');
  }
  const cookie = readCookie(request.cookies, SESSION_COOKIE);
  if (cookie) return fromSession(db, sessionKey, cookie, 'cookie');
  throw new UnauthorizedError('Sign in, or send an API token as "Authorization: Bearer"', 'unauthorized');
}
