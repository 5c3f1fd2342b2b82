/**
 * The daily metrics rollup (issue 19): one `analytics_daily` row per
 * repository, UTC day and branch, plus a `'*'` row for every branch together,
 * written by the `rollup-test-analytics` schedule. A metrics read sums a
 * handful of these rows and never touches the raw results.
 *
 * Idempotent: a day's rows are recomputed from scratch and upserted, so a
 * repeated run writes the same rows. Each run recomputes, per repository,
 * every day from its last rolled-up day (recomputed too: it may have been
 * rolled up while still going on) to today, so days missed while the
 * schedule did not run are backfilled — at most {@link MAX_BACKFILL_DAYS}.
 * "Today" is therefore as fresh as the last run (every
 * `ASSAY_ANALYTICS_ROLLUP_EVERY_MINUTES`, 15 by default).
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AnalyticsDailyTable, Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { runBranch } from './run-branch.ts';

/** Longest stretch of days one run backfills for a repository. */
export const MAX_BACKFILL_DAYS = 400;

/** The branch key of the row covering every branch. */
export const ALL_BRANCHES = '*';

/** `YYYY-MM-DD` of `date` in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `day` plus `n` days (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return utcDay(d);
}

/** The counters of one rollup row, as computed. */
type DayRow = Pick<
  AnalyticsDailyTable,
  | 'branch'
  | 'reports'
  | 'results'
  | 'passed'
  | 'failed'
  | 'errored'
  | 'skipped'
  | 'flaky_tests'
  | 'median_duration_ms'
>;

/**
 * SQL bounds of the UTC days `first` … `last` (`YYYY-MM-DD`) as timestamps:
 * `start` inclusive, `end` exclusive, whatever the session's time zone.
 */
export function utcBounds(first: string, last: string) {
  return {
    start: sql`(${first}::timestamp at time zone 'utc')`,
    end: sql`(${addDays(last, 1)}::timestamp at time zone 'utc')`,
  };
}

/**
 * Recomputes and stores the rollup rows of one repository for one UTC day
 * (`YYYY-MM-DD`): per branch and `'*'`, the reports processed that day, the
 * results counted that day by status (from `test_daily`), the tests flaky
 * that day, the median duration of that day's results, and the criteria
 * active and proven at the end of the day. Run inside `withTenant`.
 */
export async function rollupDay(
  trx: Transaction<Database>,
  target: { orgId: string; repositoryId: string },
  day: string,
): Promise<number> {
  const { start: from, end: to } = utcBounds(day, day);
  const counters = await sql<DayRow>`
    with uploads as (
      select u.id, ${runBranch('run')} as branch
      from ci_uploads u join ci_runs run on run.id = u.ci_run_id
      where run.repository_id = ${target.repositoryId} and u.kind in ('junit', 'ctrf') and u.status = 'processed'
        and u.processed_at >= ${from} and u.processed_at < ${to}
    ),
    reports as (
      select coalesce(branch, ${ALL_BRANCHES}) as branch, count(*)::int as reports
      from uploads group by grouping sets ((branch), ())
    ),
    durations as (
      select coalesce(up.branch, ${ALL_BRANCHES}) as branch,
        (percentile_disc(0.5) within group (order by r.duration_ms))::int as median_duration_ms
      from uploads up join test_results r on r.upload_id = up.id
      where r.duration_ms is not null
      group by grouping sets ((up.branch), ())
    ),
    counts as (
      select coalesce(d.branch, ${ALL_BRANCHES}) as branch,
        sum(d.runs)::int as results, sum(d.passed)::int as passed, sum(d.failed)::int as failed,
        sum(d.errored)::int as errored, sum(d.skipped)::int as skipped,
        (count(distinct d.test_case_id) filter (where d.flaky_shas > 0))::int as flaky_tests
      from test_daily d
      where d.repository_id = ${target.repositoryId} and d.day = ${day}::date
      group by grouping sets ((d.branch), ())
    )
    select b.branch,
      coalesce(rp.reports, 0) as reports, coalesce(c.results, 0) as results,
      coalesce(c.passed, 0) as passed, coalesce(c.failed, 0) as failed,
      coalesce(c.errored, 0) as errored, coalesce(c.skipped, 0) as skipped,
      coalesce(c.flaky_tests, 0) as flaky_tests, du.median_duration_ms
    from (select branch from reports union select branch from counts union select ${ALL_BRANCHES}) b
    left join reports rp on rp.branch = b.branch
    left join counts c on c.branch = b.branch
    left join durations du on du.branch = b.branch`.execute(trx);
  const criteria = await sql<{ active: number; proven: number }>`
    select count(*)::int as active, (count(*) filter (where proven_at < ${to}))::int as proven
    from checklist_items
    where repository_id = ${target.repositoryId} and status = 'active' and created_at < ${to}`.execute(trx);
  const { active, proven } = criteria.rows[0] ?? { active: 0, proven: 0 };
  const rows = counters.rows.map((row) => ({
    org_id: target.orgId,
    repository_id: target.repositoryId,
    day,
    ...row,
    criteria_active: active,
    criteria_proven: proven,
  }));
  await trx
    .insertInto('analytics_daily')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['repository_id', 'branch', 'day']).doUpdateSet((eb) => ({
        reports: eb.ref('excluded.reports'),
        results: eb.ref('excluded.results'),
        passed: eb.ref('excluded.passed'),
        failed: eb.ref('excluded.failed'),
        errored: eb.ref('excluded.errored'),
        skipped: eb.ref('excluded.skipped'),
        median_duration_ms: eb.ref('excluded.median_duration_ms'),
        flaky_tests: eb.ref('excluded.flaky_tests'),
        criteria_active: eb.ref('excluded.criteria_active'),
        criteria_proven: eb.ref('excluded.criteria_proven'),
        rolled_up_at: sql<Date>`now()`,
      })),
    )
    .execute();
  return rows.length;
}

/**
 * Rolls up one repository from its last rolled-up day (or its first day with
 * results or criteria) to `today`; returns the days written.
 */
export async function rollupRepository(
  db: Kysely<Database>,
  target: { orgId: string; repositoryId: string },
  today: string,
): Promise<number> {
  const bounds = await withTenant(db, target.orgId, (trx) =>
    sql<{ last: string | null; first: string | null }>`
      select
        (select max(day)::text from analytics_daily
          where repository_id = ${target.repositoryId} and branch = ${ALL_BRANCHES}) as last,
        least(
          (select min(day) from test_daily where repository_id = ${target.repositoryId}),
          (select min(created_at at time zone 'utc')::date from checklist_items
            where repository_id = ${target.repositoryId})
        )::text as first`.execute(trx),
  );
  const { last, first } = bounds.rows[0] ?? { last: null, first: null };
  let day = last ?? first;
  if (day === null) return 0;
  if (day < addDays(today, -MAX_BACKFILL_DAYS)) day = addDays(today, -MAX_BACKFILL_DAYS);
  let days = 0;
  // One short transaction per day: a long backfill never holds the connection for long.
  for (; day <= today; day = addDays(day, 1)) {
    const current = day;
    await withTenant(db, target.orgId, (trx) => rollupDay(trx, target, current));
    days += 1;
  }
  return days;
}

/**
 * The schedule's work: every installed repository of every organisation,
 * rolled up to today (one tenant transaction per repository). Returns the
 * repositories and days written.
 */
export async function rollupAll(
  db: Kysely<Database>,
  now = new Date(),
): Promise<{ repositories: number; days: number }> {
  const repositories = await withSystem(db, (trx) =>
    trx
      .selectFrom('repositories')
      .innerJoin('orgs', 'orgs.id', 'repositories.org_id')
      .select(['repositories.id', 'repositories.org_id'])
      .where('repositories.removed_at', 'is', null)
      .where('orgs.deleted_at', 'is', null)
      .orderBy('repositories.id')
      .execute(),
  );
  const today = utcDay(now);
  let days = 0;
  for (const repository of repositories)
    days += await rollupRepository(db, { orgId: repository.org_id, repositoryId: repository.id }, today);
  return { repositories: repositories.length, days };
}
