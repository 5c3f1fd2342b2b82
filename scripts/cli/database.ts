import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir, readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { ensureLocalQueueSchema } from '../../shared/adapters/local-queue-store.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';

export interface CliDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * The database the CLI works on: `DATABASE_URL`; else the one a running
 * `npm start` serves for this data directory; else the embedded database
 * opened directly (and locked while the command runs).
 */
export async function openCliDatabase(dataDir: string): Promise<CliDatabase> {
  const running = readRunningRuntime(dataDir);
  const url = process.env.DATABASE_URL || running?.databaseUrl;
  if (url) {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
    return { db, close: () => db.destroy() };
  }
  const lock = lockDataDir(dataDir);
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: embedded.url, max: 1 }) }),
  });
  await migrateToLatest(db);
  await ensureLocalQueueSchema(db);
  return {
    db,
    async close() {
      await db.destroy();
      await embedded.stop();
      lock.release();
    },
  };
}
