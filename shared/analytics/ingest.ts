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
import { type TestIdentity, testIdentity } from './identity.ts';
import { runBranch } from './run-branch.ts';

/** Results written per batch (one INSERT of identities, one of results). */
export const RESULT_BATCH = 1_000;

/** Where a report's results belong. */
export interface ResultTarget {
  orgId: string;
  repositoryId: string;
  /** `ci_uploads.id` of the report. */
  uploadId: string;
  /** The repository's name (`app` of `acme/app`): maps absolute checkout paths of test files. */
  repo?: string;
}

interface Pending {
  identity: TestIdentity;
  tids: readonly string[];
  status: TestResultStatus;
  durationMs: number | undefined;
  retried: boolean;
  ordinal: number;
}

/** Largest duration stored (an `integer` column): about 24 days. */
const MAX_DURATION_MS = 2_147_483_647;

interface CaseRow {
  id: string;
  legacy_identity: string;
  file: string | null;
  tids: string[];
}

/**
 * The stored test of each pending identity (issue 28), by `identity`:
 * - with a file: the row of that (suite, classname, name, file); else the
 *   file-less row of the same name, which the file adopts (its history is
 *   kept; a second file with the name starts its own); else none.
 * - without a file: the file-less row; else, when the name is stored with
 *   exactly one file, that test; else none.
 * `adopt` lists the file-less rows to give a file.
 */
function resolve(
  distinct: readonly Pending[],
  rows: readonly CaseRow[],
): { ids: Map<string, string>; adopt: { id: string; file: string }[]; missing: Pending[] } {
  const byLegacy = new Map<string, CaseRow[]>();
  for (const row of rows) {
    const list = byLegacy.get(row.legacy_identity);
    if (list) list.push(row);
    else byLegacy.set(row.legacy_identity, [row]);
  }
  const ids = new Map<string, string>();
  const adopt: { id: string; file: string }[] = [];
  const adopted = new Set<string>();
  const missing: Pending[] = [];
  for (const p of distinct) {
    const candidates = byLegacy.get(p.identity.legacyIdentity) ?? [];
    const { file } = p.identity;
    const own = candidates.find((row) => row.file === file);
    if (own) {
      ids.set(p.identity.identity, own.id);
      continue;
    }
    if (file !== null) {
      const fileless = candidates.find((row) => row.file === null && !adopted.has(row.id));
      // The first file of the batch (by identity) adopts it; another file of the same name starts its own.
      if (fileless) {
        adopted.add(fileless.id);
        adopt.push({ id: fileless.id, file });
        ids.set(p.identity.identity, fileless.id);
        continue;
      }
    } else {
      const filed = candidates.filter((row) => row.file !== null);
      if (filed.length === 1) {
        ids.set(p.identity.identity, filed[0]!.id);
        continue;
      }
    }
    missing.push(p);
  }
  return { ids, adopt, missing };
}

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
    // Every stored test of the batch's names, with or without a file (one index range per name).
    const known = async (legacies: readonly string[]): Promise<CaseRow[]> =>
      legacies.length === 0
        ? []
        : trx
            .selectFrom('test_cases')
            .select(['id', 'legacy_identity', 'file', 'tids'])
            .where('repository_id', '=', target.repositoryId)
            .where(sql<boolean>`legacy_identity = any(${sql.val(legacies)}::text[])`)
            .execute();
    const legacies = [...new Set(distinct.map((r) => r.identity.legacyIdentity))];
    let rows = await known(legacies);
    let resolved = resolve(distinct, rows);
    // Another report of the repository may store (or adopt) the same tests at the same moment: a row
    // lost to it is read back and resolved again.
    for (let attempt = 0; resolved.adopt.length > 0 || resolved.missing.length > 0; attempt++) {
      if (attempt === 3) throw new Error('Test identities could not be stored; the report is retried');
      if (resolved.adopt.length > 0)
        await sql`
          update test_cases t set file = u.file
          from unnest(${sql.val(resolved.adopt.map((a) => a.id))}::uuid[], ${sql.val(resolved.adopt.map((a) => a.file))}::text[])
            as u(id, file)
          where t.id = u.id and t.file is null`.execute(trx);
      const { missing } = resolved;
      if (missing.length > 0) {
        const column = <T>(pick: (r: Pending) => T) => sql.val(missing.map(pick));
        await sql`
          insert into test_cases (org_id, repository_id, identity, legacy_identity, suite, classname, name, file, truncated, tids)
          select ${target.orgId}, ${target.repositoryId}, u.identity, u.legacy_identity, u.suite, u.classname, u.name, u.file, u.truncated, u.tids::jsonb
          from unnest(
            ${column((r) => r.identity.identity)}::text[], ${column((r) => r.identity.legacyIdentity)}::text[],
            ${column((r) => r.identity.suite)}::text[], ${column((r) => r.identity.classname)}::text[],
            ${column((r) => r.identity.name)}::text[], ${column((r) => r.identity.file)}::text[],
            ${column((r) => r.identity.truncated)}::boolean[], ${column((r) => JSON.stringify(r.tids))}::text[]
          ) as u(identity, legacy_identity, suite, classname, name, file, truncated, tids)
          order by u.identity
          on conflict do nothing`.execute(trx);
      }
      rows = await known(legacies);
      resolved = resolve(distinct, rows);
    }
    const ids = resolved.ids;
    // A test that gained (or changed) its TIDs keeps the newest ones.
    const tidsById = new Map(rows.map((row) => [row.id, row.tids]));
    const changed = distinct.filter((p) => {
      const stored = tidsById.get(ids.get(p.identity.identity)!);
      return p.tids.length > 0 && JSON.stringify(stored) !== JSON.stringify(p.tids);
    });
    if (changed.length > 0)
      await sql`
        update test_cases t set tids = u.tids::jsonb
        from unnest(${sql.val(changed.map((p) => ids.get(p.identity.identity)!))}::uuid[],
          ${sql.val(changed.map((p) => JSON.stringify(p.tids)))}::text[]) as u(id, tids)
        where t.id = u.id`.execute(trx);
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
        identity: testIdentity(test, target.repo === undefined ? {} : { repo: target.repo }),
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
 * `test_flaky_shas`.
 *
 * A test repeated in one report (retries written as repeated `<testcase>`
 * elements: pytest-rerunfailures, Gradle's test-retry plugin) counts once,
 * with the status of its last attempt — the same as Surefire's
 * `<flakyFailure>`: failed or errored, then passed = passed and flaky
 * (`retried`); passed, then failed = failed and flaky. The earlier attempts
 * stay in the history, marked `superseded`. The test rows are locked first, in id order, so two
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
  await sql`
    with attempts as (
      select test_case_id,
        count(*)::int as attempts,
        (array_agg(status order by ordinal desc))[1] as last,
        (array_agg(id order by ordinal desc))[1] as last_id,
        bool_or(status in ('failed', 'errored')) as broken,
        bool_or(status = 'passed') as passed,
        bool_or(retried) as retried
      from test_results where upload_id = ${target.uploadId}
      group by test_case_id
    ),
    mine as (
      select test_case_id, last_id, attempts,
        1 as n,
        (last = 'passed')::int as p, (last = 'failed')::int as f,
        (last = 'errored')::int as e, (last = 'skipped')::int as s,
        -- Passed on a retry: Surefire's <flakyFailure>, or a failed attempt before the passing one.
        retried or (last = 'passed' and broken) as r,
        -- Passed, then failed on a later attempt: flaky, and failing.
        last in ('failed', 'errored') and passed as mixed,
        last as worst
      from attempts
    ),
    marks as (
      update test_results r set superseded = (r.id <> m.last_id),
        retried = r.retried or (r.id = m.last_id and m.r)
      from mine m
      where r.upload_id = ${target.uploadId} and r.test_case_id = m.test_case_id and m.attempts > 1
      returning r.id
    ),
    others as (
      select o.test_case_id,
        bool_or(o.status = 'passed') as p,
        bool_or(o.status in ('failed', 'errored')) as f
      from test_results o
      where not o.superseded and o.upload_id in (
          select u.id from ci_uploads u join ci_runs c on c.id = u.ci_run_id
          where c.repository_id = ${target.repositoryId} and c.head_sha = ${target.headSha}
            and u.kind in ('junit', 'ctrf') and u.status = 'processed' and u.id <> ${target.uploadId})
        and o.test_case_id in (select test_case_id from mine)
      group by o.test_case_id
    ),
    judged as (
      select m.*, o.test_case_id is null as new_sha,
        case
          when m.mixed or ((m.p > 0 or coalesce(o.p, false)) and (m.f + m.e > 0 or coalesce(o.f, false)))
            then 'passed_and_failed'
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
        last_flaky_at = case when j.flaky_reason is not null then now() else t.last_flaky_at end,
        last_failed_at = case when j.f + j.e > 0 then now() else t.last_failed_at end
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
