import type { Kysely } from 'kysely';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';

/** An embedded PGlite in `dir`, migrated, reached through one `pg` connection as the app does. */
export async function openBenchDatabase(
  dir: string,
): Promise<{ db: Kysely<Database>; close(): Promise<void> }> {
  const postgres = await startEmbeddedPostgres(dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  await migrateToLatest(db);
  return {
    db,
    async close() {
      await db.destroy();
      await postgres.stop();
    },
  };
}
