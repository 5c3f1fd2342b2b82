import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { RateLimitedError } from '../errors.ts';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one request for `key` in the current fixed window, atomically in
 * Postgres (an upsert, right under any concurrency), and throws 429 with the
 * seconds until the window ends once `limit` is passed.
 */
export async function consumeRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimit,
  now = Date.now(),
): Promise<{ count: number; remaining: number }> {
  const windowMs = rule.windowSeconds * 1000;
  const windowIndex = Math.floor(now / windowMs);
  const endsAt = new Date((windowIndex + 1) * windowMs);
  const row = await db
    .insertInto('rate_limit_windows')
    .values({ key: `${key}|${windowIndex}`, window_ends_at: endsAt, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`rate_limit_windows.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  if (row.count % 500 === 1) {
    // Occasional cleanup of windows long over.
    await db
      .deleteFrom('rate_limit_windows')
      .where('window_ends_at', '<', new Date(now - 3600_000))
      .execute();
  }
  if (row.count > rule.limit)
    throw new RateLimitedError(Math.max(1, Math.ceil((endsAt.getTime() - now) / 1000)));
  return { count: row.count, remaining: rule.limit - row.count };
}

/**
 * Reads the count of `key` in the current fixed window without counting, and
 * throws 429 (seconds until the window ends) when it is already past
 * `rule.limit`. One primary-key read; nothing is written.
 */
export async function assertUnderRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimit,
  now = Date.now(),
): Promise<void> {
  const windowMs = rule.windowSeconds * 1000;
  const windowIndex = Math.floor(now / windowMs);
  const row = await db
    .selectFrom('rate_limit_windows')
    .select('count')
    .where('key', '=', `${key}|${windowIndex}`)
    .executeTakeFirst();
  if (row && row.count > rule.limit)
    throw new RateLimitedError(Math.max(1, Math.ceil(((windowIndex + 1) * windowMs - now) / 1000)));
}
