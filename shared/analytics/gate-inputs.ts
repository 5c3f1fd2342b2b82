/**
 * What the gate (`gate.ts`) reads: a head commit's failing tests from the
 * stored results, the base commit, and the failing tests' status there.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { Database, TestResultStatus } from '../db/database.ts';
import type { BaseCommit, FailingTest } from './gate.ts';
import { runBranch } from './run-branch.ts';

/** Failing tests read per head commit; more are counted (and block). */
export const MAX_FAILING_READ = 1_000;

const RANK = sql`case status when 'errored' then 4 when 'failed' then 3 when 'skipped' then 2 else 1 end`;

/** SQL: the processed JUnit uploads of `sha` in the repository. */
function uploadsOf(repositoryId: string, sha: string) {
  return sql`(select u.id from ci_uploads u join ci_runs c on c.id = u.ci_run_id
    where c.repository_id = ${repositoryId} and c.head_sha = ${sha}
      and u.kind in ('junit', 'ctrf') and u.status = 'processed')`;
}

/**
 * The tests that failed or errored on `headSha` (any report of it; a test
 * retried within a report counts with its last attempt), by name,
 * at most {@link MAX_FAILING_READ}, and how many there are. A test is flaky
 * when flagged on a commit since `flakySince`, or when it also passed (or
 * passed on a retry) on the head commit.
 */
export async function failingTestsOf(
  trx: Transaction<Database>,
  target: { repositoryId: string; headSha: string; flakySince: Date },
): Promise<{ failing: FailingTest[]; total: number }> {
  const rows = await sql<FailingTest & { total: number }>`
    with head as (
      select r.test_case_id,
        (array_agg(r.status order by ${RANK} desc))[1] as status,
        bool_or(r.status = 'passed') as passed_too
      from test_results r
      where r.upload_id in ${uploadsOf(target.repositoryId, target.headSha)} and not r.superseded
      group by r.test_case_id
      having bool_or(r.status in ('failed', 'errored'))
    )
    select t.id, t.suite, t.classname, t.name, t.file, t.tids, h.status,
      (h.passed_too or coalesce(t.last_flaky_at >= ${target.flakySince}, false)) as flaky,
      (count(*) over ())::int as total
    from head h join test_cases t on t.id = h.test_case_id
    order by lower(t.name), t.id
    limit ${MAX_FAILING_READ}`.execute(trx);
  return {
    failing: rows.rows.map(({ total: _total, ...test }) => test),
    total: rows.rows[0]?.total ?? 0,
  };
}

/**
 * The base commit of a head: the merge base itself when it has test
 * results; else the base branch's latest commit with test results recorded
 * (its CI run created) at or before the merge base's commit date; else
 * (merge base or its date unknown) the base branch's latest commit with test
 * results other than the head. Null when the base branch has none.
 */
export async function findBaseCommit(
  trx: Transaction<Database>,
  target: {
    repositoryId: string;
    headSha: string;
    baseBranch: string;
    mergeBase: { sha: string; date: string | null } | null;
  },
): Promise<BaseCommit | null> {
  const { mergeBase } = target;
  if (mergeBase) {
    const own = await sql<{
      n: number;
    }>`select count(*)::int as n from ${uploadsOf(target.repositoryId, mergeBase.sha)} x`.execute(trx);
    if ((own.rows[0]?.n ?? 0) > 0)
      return { sha: mergeBase.sha, branch: target.baseBranch, how: 'merge base' };
  }
  const date = mergeBase?.date ? new Date(mergeBase.date) : null;
  const before = date && !Number.isNaN(date.getTime()) ? date : null;
  const latest = await sql<{ head_sha: string }>`
    select run.head_sha from ci_runs run join ci_uploads u on u.ci_run_id = run.id
    where run.repository_id = ${target.repositoryId} and u.kind in ('junit', 'ctrf') and u.status = 'processed'
      and run.head_sha <> ${target.headSha}
      and ${runBranch('run')} = ${target.baseBranch}
      ${before ? sql`and run.created_at <= ${before}` : sql``}
    order by run.created_at desc, run.id desc
    limit 1`.execute(trx);
  const sha = latest.rows[0]?.head_sha;
  if (sha === undefined) return null;
  return { sha, branch: target.baseBranch, how: before ? 'before merge base' : 'latest' };
}

/** The worst status of each test in `testIds` across the processed reports of `sha` (last attempt of each report). */
export async function statusesOn(
  trx: Transaction<Database>,
  target: { repositoryId: string; sha: string; testIds: readonly string[] },
): Promise<Map<string, TestResultStatus>> {
  if (target.testIds.length === 0) return new Map();
  const rows = await sql<{ test_case_id: string; status: TestResultStatus }>`
    select r.test_case_id, (array_agg(r.status order by ${RANK} desc))[1] as status
    from test_results r
    where r.upload_id in ${uploadsOf(target.repositoryId, target.sha)} and not r.superseded
      and r.test_case_id = any(${sql.val(target.testIds)}::uuid[])
    group by r.test_case_id`.execute(trx);
  return new Map(rows.rows.map((r) => [r.test_case_id, r.status]));
}
