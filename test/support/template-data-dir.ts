import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { ensureLocalQueueSchema } from '../../shared/adapters/local-queue-store.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';

/** Creates a PGlite data directory at `dir/pgdata` with every migration and the local queue schema applied. */
export async function buildTemplateDataDir(dir: string): Promise<void> {
  const postgres = await startEmbeddedPostgres(dir);
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgres.url, max: 1 }) }),
  });
  try {
    await migrateToLatest(db);
    await ensureLocalQueueSchema(db);
  } finally {
    await db.destroy();
    await postgres.stop();
  }
}
