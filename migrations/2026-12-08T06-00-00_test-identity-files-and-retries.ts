import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 28: a test's file (when its report gives one) is part of its identity. Existing rows were
  // all identified without a file: their identity is their legacy identity, so nothing stored moves.
  await sql`alter table test_cases add column file text, add column legacy_identity text`.execute(db);
  await sql`update test_cases set legacy_identity = identity`.execute(db);
  await sql`alter table test_cases alter column legacy_identity set not null`.execute(db);
  // One row per (suite, classname, name, file): a test adopted by its first file keeps its identity hash.
  await sql`create unique index test_cases_repository_legacy_file on test_cases
    (repository_id, legacy_identity, file)`.execute(db);
  // Retries written as repeated <testcase> elements in one report: every attempt is kept, the earlier
  // ones marked superseded by the last (which carries `retried` when it passed after failing).
  await sql`alter table test_results add column superseded boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table test_results drop column superseded`.execute(db);
  await sql`drop index test_cases_repository_legacy_file`.execute(db);
  await sql`alter table test_cases drop column file, drop column legacy_identity`.execute(db);
}
