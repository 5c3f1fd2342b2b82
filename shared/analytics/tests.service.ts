/**
 * Reading a repository's tests (issue 19): the list with per-test rates over
 * the flaky window, and one test's result history. The list reads the
 * per-test rows and their per-day counters (`test_daily`, a handful of rows
 * per test), never the raw results — except a test's latest
 * {@link MEDIAN_OF_LATEST} durations for the tests of the page shown.
 *
 * @module
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, TestResultStatus } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { page } from '../identity/pagination.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import { uuid } from '../text/uuid.ts';
import { runBranch } from './run-branch.ts';

/** A test's median duration is taken over this many of its latest results. */
export const MEDIAN_OF_LATEST = 50;

/** A test as `GET …/tests` lists it. Counts and rates cover the window (`windowDays`). */
export interface TestView {
  id: string;
  suite: string;
  classname: string;
  name: string;
  /** The test's file (repository-relative where it could be mapped); null when its reports gave none. */
  file: string | null;
  /** A part was longer than stored (1,000 characters) and is shown cut. */
  truncated: boolean;
  tids: string[];
  runs: number;
  passed: number;
  /** Failed or errored. */
  failed: number;
  skipped: number;
  /** failed / (runs − skipped); 0 when nothing ran. */
  failureRate: number;
  /** Commits on which it was flaky / commits on which it ran, within the window. */
  flakyRate: number;
  /** Flaky on at least one commit within the window. */
  flaky: boolean;
  lastStatus: TestResultStatus | null;
  lastSeenAt: string | null;
  /** When its result in a report (the last attempt) last failed or errored; null when never. */
  lastFailedAt: string | null;
  medianDurationMs: number | null;
}

/** Orders of the tests list (issue 31). */
export const TEST_SORTS = ['name', 'failureRate', 'flakyRate', 'medianDuration', 'lastFailure'] as const;
export type TestSort = (typeof TEST_SORTS)[number];

/** Filters and page of the tests list. */
export interface TestsQuery {
  flaky?: boolean;
  failing?: boolean;
  branch?: string;
  q?: string;
  /** Only tests whose file starts with this (a repository path prefix: `src/checkout/`). */
  path?: string;
  /** Default `name`. */
  sort?: TestSort;
  /** Default: `asc` for `name`, `desc` (worst, slowest, latest first) for the others. */
  order?: 'asc' | 'desc';
  cursor?: string;
  limit: number;
}

/** A cursor: the order it belongs to, the last row's sort value (as text) and id. */
const cursorSchema = z.union([
  z.tuple([z.enum(TEST_SORTS), z.enum(['asc', 'desc']), z.string().max(1_000).nullable(), uuid()]),
  // Cursors of the name order given before sorting existed.
  z.tuple([z.string().max(1_000), uuid()]).transform(([key, id]) => ['name', 'asc', key, id] as const),
]);

type Cursor = readonly [TestSort, 'asc' | 'desc', string | null, string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not one this API returned', [
    { path: 'query.cursor', message: 'invalid' },
  ]);
}

function decodeCursor(cursor: string | undefined, sort: TestSort, order: 'asc' | 'desc'): Cursor | undefined {
  if (cursor === undefined) return undefined;
  let parsed: Cursor;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
  // A cursor continues the order it was given for, never another.
  if (parsed[0] !== sort || parsed[1] !== order) throw invalidCursor();
  return parsed;
}

/** `%`, `_` and `\` matched literally in a LIKE pattern. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL of each order's key (over `t`, `agg`, `med`) and the type its cursor value is read back as. */
const SORT_KEYS: Record<TestSort, { key: RawBuilder<unknown>; type: RawBuilder<unknown> }> = {
  name: { key: sql`lower(t.name)`, type: sql`text` },
  failureRate: {
    key: sql`(case when agg.runs - agg.skipped > 0
      then round(agg.failed::numeric / (agg.runs - agg.skipped), 4) else 0 end)::float8`,
    type: sql`float8`,
  },
  flakyRate: {
    key: sql`(case when agg.shas > 0 then round(agg.flaky_shas::numeric / agg.shas, 4) else 0 end)::float8`,
    type: sql`float8`,
  },
  medianDuration: { key: sql`med.median`, type: sql`int4` },
  lastFailure: { key: sql`t.last_failed_at`, type: sql`timestamptz` },
};

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** `%` and `_` matched literally in an ILIKE pattern. */
const likePattern = (q: string) => `%${escapeLike(q)}%`;

/** The UTC day `days - 1` days before today (a window of `days` days including today), as `YYYY-MM-DD`. */
export function windowStart(days: number, now = new Date()): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return start.toISOString().slice(0, 10);
}

/** SQL: a test's (`t`) counters summed over the window's `test_daily` rows that match `onBranch` (on `d`). */
function windowCounts(since: string, onBranch: RawBuilder<unknown>) {
  return sql`(
    select coalesce(sum(d.runs), 0)::int as runs, coalesce(sum(d.passed), 0)::int as passed,
      coalesce(sum(d.failed + d.errored), 0)::int as failed, coalesce(sum(d.skipped), 0)::int as skipped,
      coalesce(sum(d.shas), 0)::int as shas, coalesce(sum(d.flaky_shas), 0)::int as flaky_shas
    from test_daily d where d.test_case_id = t.id and d.day >= ${since}::date and ${onBranch}
  )`;
}

interface ListRow {
  id: string;
  suite: string;
  classname: string;
  name: string;
  file: string | null;
  truncated: boolean;
  tids: string[];
  sort_key: string;
  runs: number;
  passed: number;
  failed: number;
  skipped: number;
  shas: number;
  flaky_shas: number;
  last_status: TestResultStatus | null;
  last_at: Date | null;
  last_failed_at: Date | null;
}

/** Median of the latest {@link MEDIAN_OF_LATEST} durations of each test in `ids`. */
async function medians(trx: Transaction<Database>, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; median: number | null }>`
    select t.id, m.median from unnest(${sql.val(ids)}::uuid[]) as t(id)
    cross join lateral (
      select percentile_disc(0.5) within group (order by d.duration_ms)::int as median
      from (select duration_ms from test_results r where r.test_case_id = t.id and r.duration_ms is not null
            order by r.id desc limit ${MEDIAN_OF_LATEST}) d
    ) m`.execute(trx);
  return new Map(rows.rows.filter((r) => r.median !== null).map((r) => [r.id, r.median as number]));
}

function view(row: ListRow, median: number | undefined): TestView {
  const ran = row.runs - row.skipped;
  return {
    id: row.id,
    suite: row.suite,
    classname: row.classname,
    name: row.name,
    file: row.file,
    truncated: row.truncated,
    tids: row.tids,
    runs: row.runs,
    passed: row.passed,
    failed: row.failed,
    skipped: row.skipped,
    failureRate: ratio(row.failed, ran),
    flakyRate: ratio(row.flaky_shas, row.shas),
    flaky: row.flaky_shas > 0,
    lastStatus: row.last_status,
    lastSeenAt: row.last_at ? row.last_at.toISOString() : null,
    lastFailedAt: row.last_failed_at ? row.last_failed_at.toISOString() : null,
    medianDurationMs: median ?? null,
  };
}

/**
 * The repository's tests, `limit` at a time (`nextCursor`): counts, failure
 * and flaky rates over the last `windowDays` UTC days (today included), last
 * status, when last seen and last failed. Ordered by `sort` — `name`
 * (default, ascending), `failureRate`, `flakyRate`, `medianDuration`,
 * `lastFailure` (descending by default: worst, slowest, latest first; tests
 * without a value last) — then by id, so a cursor continues exactly where the
 * page ended whatever the order (a cursor of one order is refused in
 * another). `flaky`: only tests flaky on a commit within the window;
 * `failing`: only tests whose latest result failed or errored; `branch`:
 * counts, last status and flakiness on that branch only (and only tests
 * that ran on it within the window); `q`: a substring of the suite,
 * classname or name (case-insensitive); `path`: tests whose file starts with
 * it. 404 for an unknown repository.
 */
export async function listTests(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: TestsQuery,
  windowDays: number,
): Promise<{ tests: TestView[]; windowDays: number; nextCursor: string | null }> {
  const sort = query.sort ?? 'name';
  const order = query.order ?? (sort === 'name' ? 'asc' : 'desc');
  const after = decodeCursor(query.cursor, sort, order);
  const since = windowStart(windowDays);
  const flakySince = new Date(`${since}T00:00:00Z`);
  const { key, type } = SORT_KEYS[sort];
  const direction = order === 'asc' ? sql`asc` : sql`desc`;
  // After the cursor's row in `order` (nulls last), ties broken by id.
  const past = (() => {
    if (!after) return sql`true`;
    const [, , value, id] = after;
    if (value === null) return sql`(x.sort_value is null and x.id > ${id}::uuid)`;
    const beyond = order === 'asc' ? sql`>` : sql`<`;
    return sql`(x.sort_value ${beyond} ${value}::${type}
      or (x.sort_value = ${value}::${type} and x.id > ${id}::uuid) or x.sort_value is null)`;
  })();
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const branch = query.branch;
    const onBranch = branch === undefined ? sql`true` : sql`d.branch = ${branch}`;
    const rows = await sql<ListRow & { sort_value: unknown; sort_text: string | null }>`
      select x.* from (
        select t.id, t.suite, t.classname, t.name, t.file, t.truncated, t.tids, lower(t.name) as sort_key,
          agg.runs, agg.passed, agg.failed, agg.skipped, agg.shas, agg.flaky_shas,
          ${branch === undefined ? sql`t.last_status` : sql`last.last_status`} as last_status,
          ${branch === undefined ? sql`t.last_seen_at` : sql`last.last_at`} as last_at,
          t.last_failed_at,
          ${key} as sort_value, (${key})::text as sort_text
        from test_cases t
        cross join lateral ${windowCounts(since, onBranch)} agg
        left join lateral (
          select d.last_status, d.last_at from test_daily d where d.test_case_id = t.id and ${onBranch}
          order by d.day desc, d.last_at desc limit 1
        ) last on true
        ${
          sort === 'medianDuration'
            ? sql`left join lateral (
                select percentile_disc(0.5) within group (order by l.duration_ms)::int as median
                from (select duration_ms from test_results r where r.test_case_id = t.id
                      and r.duration_ms is not null order by r.id desc limit ${MEDIAN_OF_LATEST}) l
              ) med on true`
            : sql``
        }
        where t.repository_id = ${repository.id}
          and t.runs > 0
          ${branch === undefined ? sql`` : sql`and agg.runs > 0`}
          ${query.flaky ? sql`and t.last_flaky_at >= ${flakySince} and agg.flaky_shas > 0` : sql``}
          ${
            query.failing
              ? branch === undefined
                ? sql`and t.last_status in ('failed', 'errored')`
                : sql`and last.last_status in ('failed', 'errored')`
              : sql``
          }
          ${
            query.q
              ? sql`and (t.name ilike ${likePattern(query.q)} or t.classname ilike ${likePattern(query.q)}
                    or t.suite ilike ${likePattern(query.q)})`
              : sql``
          }
          ${query.path ? sql`and t.file like ${`${escapeLike(query.path)}%`}` : sql``}
      ) x
      where ${past}
      order by x.sort_value ${direction} nulls last, x.id
      limit ${query.limit + 1}`.execute(trx);
    const result = page(rows.rows, query.limit, (row) => encodeCursor([sort, order, row.sort_text, row.id]));
    const median = await medians(
      trx,
      result.rows.map((r) => r.id),
    );
    return {
      tests: result.rows.map((row) => view(row, median.get(row.id))),
      windowDays,
      nextCursor: result.nextCursor,
    };
  });
}

/** One result in a test's history. */
export interface TestResultView {
  status: TestResultStatus;
  durationMs: number | null;
  /** Passed only after a retry in its report. */
  retried: boolean;
  /** An earlier attempt of a test repeated in its report (a retry): the report's result is a later one. */
  superseded: boolean;
  sha: string;
  branch: string | null;
  pullNumber: number | null;
  runId: string;
  uploadId: string;
  recordedAt: string;
}

const idCursor = /^[1-9][0-9]{0,18}$/;

/**
 * A test's results, newest first, `limit` at a time (`nextCursor`), with the
 * commit, branch, pull request and CI run of each; and the test itself (its
 * counts over the window). 404 for an unknown repository or test.
 */
export async function testHistory(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; testId: string },
  query: { cursor?: string; limit: number },
  windowDays: number,
): Promise<{ test: TestView; results: TestResultView[]; nextCursor: string | null }> {
  if (query.cursor !== undefined && !idCursor.test(query.cursor))
    throw new ValidationError('cursor is not one this API returned', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  const since = windowStart(windowDays);
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const test = await sql<ListRow>`
      select t.id, t.suite, t.classname, t.name, t.file, t.truncated, t.tids, lower(t.name) as sort_key,
        agg.runs, agg.passed, agg.failed, agg.skipped, agg.shas, agg.flaky_shas,
        t.last_status, t.last_seen_at as last_at, t.last_failed_at
      from test_cases t
      cross join lateral ${windowCounts(since, sql`true`)} agg
      where t.id = ${target.testId} and t.repository_id = ${repository.id} and t.runs > 0`.execute(trx);
    const row = test.rows[0];
    if (!row) throw new NotFoundError(`Test ${target.testId} not found in ${repository.full_name}`);
    const results = await trx
      .selectFrom('test_results as r')
      .innerJoin('ci_uploads as u', 'u.id', 'r.upload_id')
      .innerJoin('ci_runs as run', 'run.id', 'u.ci_run_id')
      .select([
        'r.id',
        'r.status',
        'r.duration_ms',
        'r.retried',
        'r.superseded',
        'r.created_at',
        'r.upload_id',
        'run.head_sha',
        'run.pull_number',
        'run.run_id',
        runBranch('run').as('branch'),
      ])
      .where('r.test_case_id', '=', row.id)
      .where('u.status', '=', 'processed')
      .$if(query.cursor !== undefined, (q) => q.where('r.id', '<', query.cursor!))
      .orderBy('r.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const result = page(results, query.limit, (r) => r.id);
    const median = await medians(trx, [row.id]);
    return {
      test: view(row, median.get(row.id)),
      results: result.rows.map((r) => ({
        status: r.status,
        durationMs: r.duration_ms,
        retried: r.retried,
        superseded: r.superseded,
        sha: r.head_sha,
        branch: r.branch === '' ? null : r.branch,
        pullNumber: r.pull_number,
        runId: r.run_id,
        uploadId: r.upload_id,
        recordedAt: r.created_at.toISOString(),
      })),
      nextCursor: result.nextCursor,
    };
  });
}
