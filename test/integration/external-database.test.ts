import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { freshDataDir } from '../support/test-database.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

// A separate Postgres stands in for one given through DATABASE_URL.
const external = freshDataDir();
let postgres: EmbeddedPostgres;
let runtime: TestRuntime;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres(external.dir);
  // As one would point Assay at a Postgres whose login is a superuser: run as the tables' owner instead.
  process.env.ASSAY_DB_SESSION_ROLE = postgres.sessionRole;
  runtime = await startTestRuntime({ databaseUrl: postgres.url });
});

afterAll(async () => {
  await runtime.dispose();
  await postgres.stop();
  external.remove();
});

describe('DATABASE_URL', () => {
  it('runs the runtime on that Postgres instead of the embedded one', async () => {
    expect(runtime.embeddedDatabase).toBe(false);
    expect(runtime.databaseUrl).toBe(postgres.url);
    expect((await fetch(`${runtime.url}/health/ready`)).status).toBe(200);
    const migrations = await runtime.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
  });

  it('switches each connection to ASSAY_DB_SESSION_ROLE, which row-level security binds', async () => {
    const { rows } = await sql<{ role: string }>`select current_user as role`.execute(runtime.db);
    expect(rows).toEqual([{ role: 'assay_owner' }]);
    expect(await runtime.db.selectFrom('orgs').select('id').execute()).toEqual([]);
  });
});
