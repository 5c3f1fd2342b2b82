import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql, type Transaction } from 'kysely';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';

/** Copies the migrated template into a fresh directory and returns its path (and a remover). */
export function freshDataDir(): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'assay-test-'));
  const dir = join(root, 'data');
  cpSync(inject('templateDataDir'), dir, { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestDatabase {
  url: string;
  /** The app's view of the database: the tables' owner, bound by row-level security (as on Aurora). */
  db: Kysely<Database>;
  stop(): Promise<void>;
}

/**
 * A private, migrated Postgres (PGlite over the wire protocol) for one test
 * file, reached as the app reaches it: through the owner role, not the
 * superuser, so tenant data is visible only through withTenant/withSystem.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const data = freshDataDir();
  const postgres = await startEmbeddedPostgres(data.dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  return {
    url: postgres.url,
    db,
    async stop() {
      await db.destroy();
      await postgres.stop();
      data.remove();
    },
  };
}

/**
 * Runs `fn` in one transaction as the embedded database's superuser, whom
 * row-level security and grants do not bind — an operator working out of band
 * (tampering with the audit log, inspecting every tenant at once). The role
 * reverts when the transaction ends. Product code never does this.
 */
export async function asSuperuser<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local role postgres`.execute(trx);
    return fn(trx);
  });
}
