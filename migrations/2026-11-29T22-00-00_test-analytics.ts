import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

const STATUS = sql`('passed', 'failed', 'errored', 'skipped')`;

export async function up(db: Kysely<any>): Promise<void> {
  // The gate of a repository's check (issue 19): every failing test, or only regressions against the base.
  await sql`alter table repositories
    add column gate text not null default 'all' check (gate in ('all', 'regressions')),
    add column quarantine_flaky boolean not null default false`.execute(db);

  // One row per test identity of a repository: suite + classname + name, normalised, hashed (names
  // over the stored length are kept truncated; the hash of the whole identity keeps them apart).
  // The counters are applied once per processed report (shared/analytics/ingest.ts).
  await db.schema
    .createTable('test_cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('suite', 'text', (c) => c.notNull())
    .addColumn('classname', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('truncated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('tids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'text', (c) => c.check(sql`last_status in ${STATUS}`))
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('last_flaky_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('test_cases_repository_identity', ['repository_id', 'identity'])
    .execute();
  await sql`create index test_cases_repository_sort_idx on test_cases (repository_id, lower(name), id)`.execute(
    db,
  );
  await sql`create index test_cases_repository_flaky_idx on test_cases (repository_id, last_flaky_at)
    where last_flaky_at is not null`.execute(db);

  // Every result of every processed JUnit report: narrow rows (the SHA, branch, pull request and run
  // come from the upload's CI run), unique per (upload, position in the report) so a retried ingest
  // inserts nothing twice.
  await db.schema
    .createTable('test_results')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('test_case_id', 'uuid', (c) => c.notNull().references('test_cases.id').onDelete('cascade'))
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('ci_uploads.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${STATUS}`))
    .addColumn('duration_ms', 'integer')
    .addColumn('retried', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('test_results_upload_ordinal', ['upload_id', 'ordinal'])
    .execute();
  await sql`create index test_results_case_idx on test_results (test_case_id, id desc)`.execute(db);

  // Per test, day and branch: counters maintained when a report is counted (incremental, so "today"
  // is always current), read by the tests list and rolled up per repository by the schedule.
  await db.schema
    .createTable('test_daily')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('test_case_id', 'uuid', (c) => c.notNull().references('test_cases.id').onDelete('cascade'))
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shas', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flaky_shas', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'text', (c) => c.notNull().check(sql`last_status in ${STATUS}`))
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('test_daily_pk', ['test_case_id', 'branch', 'day'])
    .execute();
  await sql`create index test_daily_repository_day_idx on test_daily (repository_id, day)`.execute(db);

  // The SHAs on which a test was flaky (passed and failed, or passed only on a retry): one row each.
  await db.schema
    .createTable('test_flaky_shas')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('test_case_id', 'uuid', (c) => c.notNull().references('test_cases.id').onDelete('cascade'))
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('passed_and_failed', 'retried')`))
    .addColumn('detected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('test_flaky_shas_pk', ['test_case_id', 'head_sha'])
    .execute();

  // The daily rollup per repository and branch ('*': every branch together), written by the
  // `rollup-test-analytics` schedule; metrics read these rows only.
  await db.schema
    .createTable('analytics_daily')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('reports', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('results', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('median_duration_ms', 'integer')
    .addColumn('flaky_tests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('criteria_active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('criteria_proven', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rolled_up_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('analytics_daily_pk', ['repository_id', 'branch', 'day'])
    .execute();
  await sql`create index analytics_daily_org_day_idx on analytics_daily (org_id, day) where branch = '*'`.execute(
    db,
  );

  for (const table of ['test_cases', 'test_results', 'test_daily', 'test_flaky_shas', 'analytics_daily']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['analytics_daily', 'test_flaky_shas', 'test_daily', 'test_results', 'test_cases'])
    await db.schema.dropTable(table).execute();
  await sql`alter table repositories drop column gate, drop column quarantine_flaky`.execute(db);
}
