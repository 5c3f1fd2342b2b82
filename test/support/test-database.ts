import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
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
  db: Kysely<Database>;
  stop(): Promise<void>;
}

/** A private, migrated Postgres (PGlite over the wire protocol) for one test file. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const data = freshDataDir();
  const postgres = await startEmbeddedPostgres(data.dir);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgres.url, max: 1 }) }),
  });
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
