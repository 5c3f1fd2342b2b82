import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * Records that a stored token (API or upload token) was used, at most once a
 * minute, so authenticating does not write on every request.
 */
export async function markTokenUsed(
  db: Kysely<Database> | Transaction<Database>,
  table: 'api_tokens' | 'upload_tokens',
  id: string,
): Promise<void> {
  await sql`update ${sql.table(table)} set last_used_at = now()
    where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`.execute(db);
}
