import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 31: `GET …/tests?sort=lastFailure` — when each test last failed or errored (its report's last attempt).
  await sql`alter table test_cases add column last_failed_at timestamptz`.execute(db);
  await sql`update test_cases t set last_failed_at = f.at
    from (select test_case_id, max(created_at) as at from test_results
          where status in ('failed', 'errored') and not superseded group by test_case_id) f
    where f.test_case_id = t.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table test_cases drop column last_failed_at`.execute(db);
}
