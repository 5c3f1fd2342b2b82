import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { UnauthorizedError } from '../errors.ts';
import { hashToken, newToken } from './secrets.ts';

export const REFRESH_TOKEN_PREFIX = 'assay_rt_';
export const REFRESH_TTL_SECONDS = 30 * 24 * 3600;

/** Opens a session for `userId`; returns its id and the refresh token (kept only as a hash). */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ sessionId: string; refreshToken: string }> {
  const refreshToken = newToken(REFRESH_TOKEN_PREFIX);
  const row = await db
    .insertInto('sessions')
    .values({
      user_id: userId,
      refresh_hash: hashToken(refreshToken),
      refresh_expires_at: new Date(Date.now() + REFRESH_TTL_SECONDS * 1000),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { sessionId: row.id, refreshToken };
}

/** Ends a session: its access tokens and refresh token stop working at once. */
export async function revokeSession(db: Kysely<Database>, sessionId: string, reason: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Uses a refresh token once: it is replaced by a new one (rotation). Presenting
 * an already-rotated token means it was copied, so the whole session is revoked.
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  refreshToken: string,
): Promise<{ sessionId: string; userId: string; refreshToken: string }> {
  const hash = hashToken(refreshToken);
  const next = newToken(REFRESH_TOKEN_PREFIX);
  const rotated = await db
    .updateTable('sessions')
    .set({
      previous_refresh_hash: hash,
      refresh_hash: hashToken(next),
      rotated_at: sql<Date>`now()`,
      refresh_expires_at: new Date(Date.now() + REFRESH_TTL_SECONDS * 1000),
    })
    .where('refresh_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .where('refresh_expires_at', '>', sql<Date>`now()`)
    .returning(['id', 'user_id'])
    .executeTakeFirst();
  if (rotated) return { sessionId: rotated.id, userId: rotated.user_id, refreshToken: next };
  const reused = await db
    .selectFrom('sessions')
    .select('id')
    .where('previous_refresh_hash', '=', hash)
    .executeTakeFirst();
  if (reused) await revokeSession(db, reused.id, 'refresh_token_reuse');
  throw new UnauthorizedError('Refresh token is invalid, expired or already used', 'invalid_refresh');
}
