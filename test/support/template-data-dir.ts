import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { ensureLocalQueueSchema } from '../../shared/adapters/local-queue-store.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';

/**
 * Creates a PGlite data directory at `dir/pgdata` with every migration and the
 * local queue schema applied — as the owner role, like `npm start`, so the
 * tables belong to it.
 */
export async function buildTemplateDataDir(dir: string): Promise<void> {
  const postgres = await startEmbeddedPostgres(dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  try {
    await migrateToLatest(db);
    await ensureLocalQueueSchema(db);
  } finally {
    await db.destroy();
    await postgres.stop();
  }
}
