/**
 * Storing every result of a JUnit report (issue 19), in two steps:
 *
 * 1. **While the report streams** ({@link createResultSink}): results are
 *    buffered {@link RESULT_BATCH} at a time and written in one short
 *    transaction per batch — the test identities (`test_cases`, created on
 *    first sight) and the results (`test_results`, unique per upload and
 *    position, so a retried ingest inserts nothing twice). At most one batch
 *    is in memory, whatever the report's size; no transaction is held while
 *    the report is read.
 * 2. **When the upload is claimed as processed** ({@link countUploadResults},
 *    in the claiming transaction): the per-test counters, the per-test daily
 *    counters and flaky detection are applied from the stored rows in one
 *    set-based statement. It runs once per upload (the claim succeeds once),
 *    so counters never double; an invalid report's rows are removed instead
 *    ({@link discardUploadResults}).
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, TestResultStatus } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import type { JUnitTestCase } from '../reports/junit/index.ts';
import { testIdentity } from './identity.ts';
import { runBranch } from './run-branch.ts';

/** Results written per batch (one INSERT of identities, one of results). */
export const RESULT_BATCH = 1_000;

/** Where a report's results belong. */
export interface ResultTarget {
  orgId: string;
  repositoryId: string;
  /** `ci_uploads.id` of the report. */
  uploadId: string;
}

interface Pending {
  identity: ReturnType<typeof testIdentity>;
  tids: readonly string[];
  status: TestResultStatus;
  durationMs: number | undefined;
  retried: boolean;
  ordinal: number;
}

/** Largest duration stored (an `integer` column): about 24 days. */
const MAX_DURATION_MS = 2_147_483_647;

async function writeBatch(
  db: Kysely<Database>,
  target: ResultTarget,
  batch: readonly Pending[],
): Promise<void> {
  const byIdentity = new Map<string, Pending>();
  for (const result of batch) {
    const seen = byIdentity.get(result.identity.identity);
    if (!seen || (seen.tids.length === 0 && result.tids.length > 0))
      byIdentity.set(result.identity.identity, result);
  }
  const distinct = [...byIdentity.values()].sort((a, b) =>
    a.identity.identity < b.identity.identity ? -1 : 1,
  );
  await withTenant(db, target.orgId, async (trx) => {
    // Known identities first (after a repository's first reports, nearly all are): only new ones are inserted.
    const known = async (
      identities: readonly string[],
    ): Promise<{ id: string; identity: string; tids: string[] }[]> =>
      identities.length === 0
        ? []
        : trx
            .selectFrom('test_cases')
            .select(['id', 'identity', 'tids'])
            .where('repository_id', '=', target.repositoryId)
            .where(sql<boolean>`identity = any(${sql.val(identities)}::text[])`)
            .execute();
    const rows = await known(distinct.map((r) => r.identity.identity));
    const found = new Set(rows.map((row) => row.identity));
    const missing = distinct.filter((r) => !found.has(r.identity.identity));
    if (missing.length > 0) {
      const column = <T>(pick: (r: Pending) => T) => sql.val(missing.map(pick));
      await sql`
        insert into test_cases (org_id, repository_id, identity, suite, classname, name, truncated, tids)
        select ${target.orgId}, ${target.repositoryId}, u.identity, u.suite, u.classname, u.name, u.truncated, u.tids::jsonb
        from unnest(
          ${column((r) => r.identity.identity)}::text[], ${column((r) => r.identity.suite)}::text[],
          ${column((r) => r.identity.classname)}::text[], ${column((r) => r.identity.name)}::text[],
          ${column((r) => r.identity.truncated)}::boolean[], ${column((r) => JSON.stringify(r.tids))}::text[]
        ) as u(identity, suite, classname, name, truncated, tids)
        order by u.identity
        on conflict (repository_id, identity) do nothing`.execute(trx);
      // Inserted here or, at the same moment, by another report: read them back either way.
      rows.push(...(await known(missing.map((r) => r.identity.identity))));
    }
    const ids = new Map(rows.map((row) => [row.identity, row.id]));
    // A test that gained (or changed) its TIDs keeps the newest ones.
    for (const row of rows) {
      const tids = byIdentity.get(row.identity)?.tids ?? [];
      if (tids.length > 0 && JSON.stringify(row.tids) !== JSON.stringify(tids))
        await trx
          .updateTable('test_cases')
          .set({ tids: JSON.stringify(tids) })
          .where('id', '=', row.id)
          .execute();
    }
    // One statement with one array per column: a handful of parameters whatever the batch size.
    const column = <T>(pick: (r: Pending) => T) => sql.val(batch.map(pick));
    await sql`
      insert into test_results (org_id, test_case_id, upload_id, ordinal, status, duration_ms, retried)
      select ${target.orgId}, u.test_case_id, ${target.uploadId}, u.ordinal, u.status, u.duration_ms, u.retried
      from unnest(
        ${column((r) => ids.get(r.identity.identity)!)}::uuid[], ${column((r) => r.ordinal)}::int[],
        ${column((r) => r.status)}::text[],
        ${column((r) => (r.durationMs === undefined ? null : Math.min(MAX_DURATION_MS, Math.round(r.durationMs))))}::int[],
        ${column((r) => r.retried)}::boolean[]
      ) as u(test_case_id, ordinal, status, duration_ms, retried)
      on conflict (upload_id, ordinal) do nothing`.execute(trx);
  });
}

/** Receives a report's test cases as they stream and stores them in batches. */
export interface ResultSink {
  /** Buffers one test case; writes a batch when {@link RESULT_BATCH} are waiting (awaited: back-pressure). */
  add(test: JUnitTestCase): Promise<void>;
  /** Writes what is still buffered. */
  flush(): Promise<void>;
  /** Test cases received so far. */
  readonly received: number;
}

/**
 * A {@link ResultSink} for one upload. Feed it from `parseJUnit`'s
 * `onTestCase`; call `flush()` once the report is read and valid, then
 * {@link countUploadResults} in the transaction that marks the upload processed.
 */
export function createResultSink(
  db: Kysely<Database>,
  target: ResultTarget,
  batchSize = RESULT_BATCH,
): ResultSink {
  let buffer: Pending[] = [];
  let received = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    await writeBatch(db, target, batch);
  };
  return {
    get received() {
      return received;
    },
    async add(test) {
      buffer.push({
        identity: testIdentity(test),
        tids: [...test.tids],
        status: test.status,
        durationMs: test.durationMs,
        retried: test.flaky,
        ordinal: received++,
      });
      if (buffer.length >= batchSize) await flush();
    },
    flush,
  };
}

/**
 * Applies one processed upload's stored results to the analytics, in the
 * transaction that claims the upload (so exactly once): per test, the
 * counters and last status of `test_cases` and the day's `test_daily` row
 * of the run's branch (UTC day); and flaky detection — a test is flaky on a
 * SHA when, across every processed report of that SHA, it both passed and
 * failed or errored, or it passed only after a retry (`flakyFailure`,
 * `rerunFailure`). Each flaky (test, SHA) is recorded once in
 * `test_flaky_shas`. The test rows are locked first, in id order, so two
 * reports of one SHA counted at once see each other (the second waits).
 */
export async function countUploadResults(
  trx: Transaction<Database>,
  target: ResultTarget & { ciRunId: string; headSha: string },
): Promise<void> {
  await sql`select 1 from test_cases where id in (
      select distinct test_case_id from test_results where upload_id = ${target.uploadId})
    order by id for update`.execute(trx);
  const branch = await trx
    .selectFrom('ci_runs as run')
    .select(runBranch('run').as('branch'))
    .where('run.id', '=', target.ciRunId)
    .executeTakeFirstOrThrow();
  const rank = sql`case status when 'errored' then 4 when 'failed' then 3 when 'skipped' then 2 else 1 end`;
  await sql`
    with mine as (
      select test_case_id,
        count(*)::int as n,
        (count(*) filter (where status = 'passed'))::int as p,
        (count(*) filter (where status = 'failed'))::int as f,
        (count(*) filter (where status = 'errored'))::int as e,
        (count(*) filter (where status = 'skipped'))::int as s,
        bool_or(retried) as r,
        (array_agg(status order by ${rank} desc))[1] as worst
      from test_results where upload_id = ${target.uploadId}
      group by test_case_id
    ),
    others as (
      select o.test_case_id,
        bool_or(o.status = 'passed') as p,
        bool_or(o.status in ('failed', 'errored')) as f
      from test_results o
      where o.upload_id in (
          select u.id from ci_uploads u join ci_runs c on c.id = u.ci_run_id
          where c.repository_id = ${target.repositoryId} and c.head_sha = ${target.headSha}
            and u.kind in ('junit', 'ctrf') and u.status = 'processed' and u.id <> ${target.uploadId})
        and o.test_case_id in (select test_case_id from mine)
      group by o.test_case_id
    ),
    judged as (
      select m.*, o.test_case_id is null as new_sha,
        case
          when (m.p > 0 or coalesce(o.p, false)) and (m.f + m.e > 0 or coalesce(o.f, false)) then 'passed_and_failed'
          when m.r then 'retried'
        end as flaky_reason
      from mine m left join others o on o.test_case_id = m.test_case_id
    ),
    flaky as (
      insert into test_flaky_shas (org_id, repository_id, test_case_id, head_sha, branch, reason)
      select ${target.orgId}, ${target.repositoryId}, test_case_id, ${target.headSha}, ${branch.branch}, flaky_reason
      from judged where flaky_reason is not null
      on conflict do nothing
      returning test_case_id
    ),
    cases as (
      update test_cases t set
        runs = t.runs + j.n, passed = t.passed + j.p, failed = t.failed + j.f,
        errored = t.errored + j.e, skipped = t.skipped + j.s,
        last_status = j.worst, last_seen_at = now(),
        last_flaky_at = case when j.flaky_reason is not null then now() else t.last_flaky_at end
      from judged j where t.id = j.test_case_id
      returning t.id
    )
    insert into test_daily (org_id, repository_id, test_case_id, branch, day,
      runs, passed, failed, errored, skipped, shas, flaky_shas, last_status, last_at)
    select ${target.orgId}, ${target.repositoryId}, j.test_case_id, ${branch.branch},
      (now() at time zone 'utc')::date,
      j.n, j.p, j.f, j.e, j.s, case when j.new_sha then 1 else 0 end,
      case when fl.test_case_id is not null then 1 else 0 end, j.worst, now()
    from judged j left join flaky fl on fl.test_case_id = j.test_case_id
    on conflict (test_case_id, branch, day) do update set
      runs = test_daily.runs + excluded.runs, passed = test_daily.passed + excluded.passed,
      failed = test_daily.failed + excluded.failed, errored = test_daily.errored + excluded.errored,
      skipped = test_daily.skipped + excluded.skipped, shas = test_daily.shas + excluded.shas,
      flaky_shas = test_daily.flaky_shas + excluded.flaky_shas,
      last_status = excluded.last_status, last_at = excluded.last_at
  `.execute(trx);
}

/** Removes what was stored of a report that turned out invalid (it was never counted). */
export async function discardUploadResults(trx: Transaction<Database>, uploadId: string): Promise<void> {
  await trx.deleteFrom('test_results').where('upload_id', '=', uploadId).execute();
}
