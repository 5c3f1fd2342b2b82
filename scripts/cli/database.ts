import { type Kysely, sql } from 'kysely';
import { lockDataDir, readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { ensureLocalQueueSchema } from '../../shared/adapters/local-queue-store.ts';
import { getConfig } from '../../shared/config.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { printJson } from './output.ts';

export interface CliDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * The database the CLI works on: `DATABASE_URL` (as `ASSAY_DB_SESSION_ROLE`
 * when set); else the one a running `npm start` serves for this data
 * directory; else the embedded database opened directly (and locked while the
 * command runs). On the embedded database it runs as the tables' owner, like
 * the app, so it too reaches tenant rows only through withTenant/withSystem.
 */
export async function openCliDatabase(dataDir: string): Promise<CliDatabase> {
  const external = process.env.DATABASE_URL;
  const running = external ? undefined : readRunningRuntime(dataDir);
  const url = external || running?.databaseUrl;
  if (url) {
    const sessionRole = external ? getConfig().ASSAY_DB_SESSION_ROLE : running?.databaseSessionRole;
    const db = createPoolDb<Database>({ connectionString: url, max: 1 }, { sessionRole });
    return { db, close: () => db.destroy() };
  }
  const lock = lockDataDir(dataDir);
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = createPoolDb<Database>(
    { connectionString: embedded.url, max: 1 },
    { sessionRole: embedded.sessionRole },
  );
  try {
    await migrateToLatest(db);
    await ensureLocalQueueSchema(db);
  } catch (error) {
    await db.destroy();
    await embedded.stop();
    lock.release();
    throw error;
  }
  return {
    db,
    async close() {
      await db.destroy();
      await embedded.stop();
      lock.release();
    },
  };
}

/**
 * Runs a database command: `prepare` checks the arguments first (so a typo
 * never opens the database), then the database of `ASSAY_DATA_DIR` is opened,
 * the command runs on it, its result is printed as JSON, and the database is
 * closed. Resolves to exit code 0.
 */
export async function runOnDatabase<T>(
  prepare: () => (database: CliDatabase) => Promise<T>,
): Promise<number> {
  const run = prepare();
  const database = await openCliDatabase(getConfig().ASSAY_DATA_DIR);
  try {
    printJson(await run(database));
    return 0;
  } finally {
    await database.close();
  }
}

/** The live organisation `login` (case-insensitive), or an error naming it. */
export async function findOrgByLogin(
  db: Kysely<Database>,
  login: string,
): Promise<{ id: string; login: string }> {
  const found = await withSystem(db, (trx) =>
    trx
      .selectFrom('orgs')
      .select(['id', 'login'])
      .where(sql`lower(login)`, '=', login.toLowerCase())
      .where('deleted_at', 'is', null)
      .where('renamed_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!found) throw new Error(`No organisation ${login}`);
  return found;
}
