/**
 * Metrics of a repository or an organisation (issue 19) over a range of UTC
 * days: the daily rollup rows (`analytics_daily`, see `rollup.service.ts`)
 * for tests and the trend, plus a little current state — the criteria of
 * the repository (one row per active criterion), the commits found flaky in
 * the range (`test_flaky_shas`), the pull requests of the range. Never the
 * raw results.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AnalyticsDailyTable, Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import { ALL_BRANCHES, addDays, utcBounds, utcDay } from './rollup.service.ts';

/** Longest range a metrics read covers, in days. */
export const MAX_RANGE_DAYS = 366;
/** Range when none is given: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;

export interface Metrics {
  from: string;
  to: string;
  branch: string | null;
  criteria: {
    active: number;
    proven: number;
    failing: number;
    skipped: number;
    missing: number;
    coverage: number;
  };
  tests: { runs: number; results: number; passRate: number; medianDurationMs: number | null };
  flaky: { tests: number; rate: number };
  pullRequests: { validated: number; green: number; flaggedForMerge: number; overridden: number };
  trend: { day: string; coverage: number; passRate: number; runs: number; flakyTests: number }[];
  /** When the newest rollup row read was computed (today's figures are as of then); null when none. */
  rolledUpAt: string | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/**
 * The range asked for: `to` defaults to today (UTC), `from` to 29 days
 * before `to`. `from` after `to`, or more than {@link MAX_RANGE_DAYS} days,
 * is a 400.
 */
export function metricsRange(
  query: { from?: string; to?: string },
  now = new Date(),
): { from: string; to: string } {
  const to = query.to ?? utcDay(now);
  const from = query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to)
    throw new ValidationError('`from` is after `to`', [{ path: 'query.from', message: 'after `to`' }]);
  if (from < addDays(to, -(MAX_RANGE_DAYS - 1)))
    throw new ValidationError(`A range covers at most ${MAX_RANGE_DAYS} days`, [
      { path: 'query.from', message: `more than ${MAX_RANGE_DAYS} days before \`to\`` },
    ]);
  return { from, to };
}

interface CriteriaCounts {
  active: number;
  proven: number;
  failing: number;
  skipped: number;
  missing: number;
}

/**
 * The active criteria of a repository on its default branch, now: a
 * criterion whose tests (those carrying its TID) have results on the default
 * branch takes the latest result of each — failing when any failed or
 * errored, proven when all passed, skipped otherwise; with no such result it
 * is proven when a merged pull request proved it (`proven_at`), else missing.
 */
async function criteriaOf(trx: Transaction<Database>, repositoryId: string): Promise<CriteriaCounts> {
  const rows = await sql<CriteriaCounts>`
    with repo as (select coalesce(default_branch, 'main') as branch from repositories where id = ${repositoryId}),
    items as (
      select tid, proven_at is not null as proven from checklist_items
      where repository_id = ${repositoryId} and status = 'active'
    ),
    latest as (
      select tagged.tid, l.last_status
      from (select t.id, jsonb_array_elements_text(t.tids) as tid from test_cases t
            where t.repository_id = ${repositoryId} and t.tids <> '[]'::jsonb) tagged
      cross join lateral (
        select d.last_status from test_daily d, repo
        where d.test_case_id = tagged.id and d.branch = repo.branch
        order by d.day desc, d.last_at desc limit 1
      ) l
    ),
    judged as (
      select i.tid, i.proven, count(l.last_status) as tests,
        bool_or(l.last_status in ('failed', 'errored')) as failing,
        bool_and(l.last_status = 'passed') as all_passed
      from items i left join latest l on l.tid = 'T' || i.tid
      group by i.tid, i.proven
    )
    select count(*)::int as active,
      (count(*) filter (where (tests > 0 and all_passed) or (tests = 0 and proven)))::int as proven,
      (count(*) filter (where tests > 0 and failing))::int as failing,
      (count(*) filter (where tests > 0 and not failing and not all_passed))::int as skipped,
      (count(*) filter (where tests = 0 and not proven))::int as missing
    from judged`.execute(trx);
  return rows.rows[0] ?? { active: 0, proven: 0, failing: 0, skipped: 0, missing: 0 };
}

/** A rollup row as read (its day as `YYYY-MM-DD`). */
type DailyRow = Omit<AnalyticsDailyTable, 'org_id' | 'repository_id' | 'branch' | 'day' | 'rolled_up_at'> & {
  day: string;
  rolled_up_at: Date;
};

/** The rollup columns that add up across repositories. */
const SUMMED = [
  'reports',
  'results',
  'passed',
  'failed',
  'errored',
  'skipped',
  'flaky_tests',
  'criteria_active',
  'criteria_proven',
] as const;

/** Sums the rollup rows per day (one repository, or an organisation's repositories). */
function assemble(
  range: { from: string; to: string },
  branch: string | null,
  daily: readonly DailyRow[],
  criteria: CriteriaCounts,
  flaky: { tests: number; known: number },
  pulls: Metrics['pullRequests'],
): Metrics {
  const byDay = new Map<string, DailyRow>();
  for (const row of daily) {
    const seen = byDay.get(row.day);
    if (!seen) {
      byDay.set(row.day, { ...row });
      continue;
    }
    for (const key of SUMMED) seen[key] += row[key];
    if (row.rolled_up_at > seen.rolled_up_at) seen.rolled_up_at = row.rolled_up_at;
  }
  const days = [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  const total = { reports: 0, results: 0, passed: 0, skipped: 0 };
  for (const d of days) {
    total.reports += d.reports;
    total.results += d.results;
    total.passed += d.passed;
    total.skipped += d.skipped;
  }
  // Results-weighted median of the daily medians (the exact median would read every result).
  const medians = daily
    .filter((d) => d.median_duration_ms !== null && d.results > 0)
    .map((d) => ({ value: d.median_duration_ms as number, weight: d.results }))
    .sort((a, b) => a.value - b.value);
  const half = medians.reduce((sum, m) => sum + m.weight, 0) / 2;
  let acc = 0;
  const median = medians.find((m) => {
    acc += m.weight;
    return acc >= half;
  });
  const newest = daily.reduce<Date | null>(
    (n, d) => (n === null || d.rolled_up_at > n ? d.rolled_up_at : n),
    null,
  );
  return {
    from: range.from,
    to: range.to,
    branch,
    criteria: { ...criteria, coverage: ratio(criteria.proven, criteria.active) },
    tests: {
      runs: total.reports,
      results: total.results,
      passRate: ratio(total.passed, total.results - total.skipped),
      medianDurationMs: median?.value ?? null,
    },
    flaky: { tests: flaky.tests, rate: ratio(flaky.tests, flaky.known) },
    pullRequests: pulls,
    trend: days.map((d) => ({
      day: d.day,
      coverage: ratio(d.criteria_proven, d.criteria_active),
      passRate: ratio(d.passed, d.results - d.skipped),
      runs: d.reports,
      flakyTests: d.flaky_tests,
    })),
    rolledUpAt: newest ? newest.toISOString() : null,
  };
}

function dailyRows(trx: Transaction<Database>, range: { from: string; to: string }) {
  return trx
    .selectFrom('analytics_daily')
    .select([sql<string>`day::text`.as('day'), ...SUMMED, 'median_duration_ms', 'rolled_up_at'])
    .where(sql`day`, '>=', sql`${range.from}::date`)
    .where(sql`day`, '<=', sql`${range.to}::date`);
}

/** Flaky tests in the range and the tests seen in it (for the rate), for the repositories given. */
async function flakyOf(
  trx: Transaction<Database>,
  repositoryIds: readonly string[],
  range: { from: string; to: string },
  branch: string | null,
): Promise<{ tests: number; known: number }> {
  if (repositoryIds.length === 0) return { tests: 0, known: 0 };
  const { start, end } = utcBounds(range.from, range.to);
  const ids = sql`(${sql.join(repositoryIds)})`;
  const row = await sql<{ tests: number; known: number }>`
    select
      (select count(distinct test_case_id)::int from test_flaky_shas
        where repository_id in ${ids} and detected_at >= ${start} and detected_at < ${end}
        ${branch === null ? sql`` : sql`and branch = ${branch}`}) as tests,
      (select count(*)::int from test_cases
        where repository_id in ${ids} and last_seen_at >= ${start} and runs > 0) as known`.execute(trx);
  return row.rows[0] ?? { tests: 0, known: 0 };
}

/** Pull requests of the repositories given that were validated, green, flagged or overridden in the range. */
async function pullsOf(
  trx: Transaction<Database>,
  repositoryIds: readonly string[],
  range: { from: string; to: string },
): Promise<Metrics['pullRequests']> {
  if (repositoryIds.length === 0) return { validated: 0, green: 0, flaggedForMerge: 0, overridden: 0 };
  const { start, end } = utcBounds(range.from, range.to);
  const row = await sql<Metrics['pullRequests']>`
    select
      (count(*) filter (where v.conclusion is not null and v.conclusion <> 'pending'))::int as validated,
      (count(*) filter (where v.conclusion = 'success'))::int as green,
      (count(*) filter (where p.flagged_for_merge_at >= ${start} and p.flagged_for_merge_at < ${end}))::int as "flaggedForMerge",
      (count(*) filter (where p.flagged_for_merge_at >= ${start} and p.flagged_for_merge_at < ${end}
        and p.flag_override))::int as overridden
    from pull_requests p
    left join validations v on v.repository_id = p.repository_id and v.head_sha = p.head_sha
      and v.updated_at >= ${start} and v.updated_at < ${end}
    where p.repository_id in (${sql.join(repositoryIds)})
      and ((v.id is not null) or (p.flagged_for_merge_at >= ${start} and p.flagged_for_merge_at < ${end}))`.execute(
    trx,
  );
  return row.rows[0] ?? { validated: 0, green: 0, flaggedForMerge: 0, overridden: 0 };
}

/** Metrics of one repository over `from`…`to` (UTC days), on one branch or all. 404 for an unknown repository. */
export async function repositoryMetrics(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: { from?: string; to?: string; branch?: string },
): Promise<Metrics> {
  const range = metricsRange(query);
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const daily = await dailyRows(trx, range)
      .where('repository_id', '=', repository.id)
      .where('branch', '=', query.branch ?? ALL_BRANCHES)
      .execute();
    const criteria = await criteriaOf(trx, repository.id);
    const flaky = await flakyOf(trx, [repository.id], range, query.branch ?? null);
    const pulls = await pullsOf(trx, [repository.id], range);
    return assemble(range, query.branch ?? null, daily, criteria, flaky, pulls);
  });
}

/** Metrics of every installed repository of an organisation together. 404 for an unknown organisation. */
export async function organisationMetrics(
  db: Kysely<Database>,
  orgId: string,
  query: { from?: string; to?: string },
): Promise<Metrics> {
  const range = metricsRange(query);
  return withTenant(db, orgId, async (trx) => {
    const org = await trx.selectFrom('orgs').select('id').where('id', '=', orgId).executeTakeFirst();
    if (!org) throw new NotFoundError('Organisation not found');
    const repositories = await trx
      .selectFrom('repositories')
      .select('id')
      .where('removed_at', 'is', null)
      .where('renamed_at', 'is', null)
      .execute();
    const ids = repositories.map((r) => r.id);
    const daily =
      ids.length === 0
        ? []
        : await dailyRows(trx, range)
            .where('branch', '=', ALL_BRANCHES)
            .where('repository_id', 'in', ids)
            .execute();
    const criteria: CriteriaCounts = { active: 0, proven: 0, failing: 0, skipped: 0, missing: 0 };
    for (const id of ids) {
      const one = await criteriaOf(trx, id);
      for (const key of Object.keys(criteria) as (keyof CriteriaCounts)[]) criteria[key] += one[key];
    }
    const flaky = await flakyOf(trx, ids, range, null);
    const pulls = await pullsOf(trx, ids, range);
    return assemble(range, null, daily, criteria, flaky, pulls);
  });
}
