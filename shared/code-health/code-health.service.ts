/**
 * Reading code health: a repository's scored runs (newest first) and one run
 * with its findings.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { olderThan, page, parseIdCursor } from '../identity/pagination.ts';
import { iso } from '../identity/rows.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';

const runColumns = [
  'code_health_runs.id',
  'ci_runs.run_id',
  'code_health_runs.head_sha',
  'code_health_runs.branch',
  'code_health_runs.pull_number',
  'code_health_runs.reports',
  'code_health_runs.formats',
  'code_health_runs.score',
  'code_health_runs.counts',
  'code_health_runs.findings_total',
  'code_health_runs.base_branch',
  'code_health_runs.base_score',
  'code_health_runs.delta',
  'code_health_runs.created_at',
  'code_health_runs.updated_at',
] as const;

type RunRow = {
  run_id: string;
  head_sha: string;
  branch: string | null;
  pull_number: number | null;
  reports: number;
  formats: string[];
  score: number;
  counts: Record<string, number>;
  findings_total: number;
  base_branch: string | null;
  base_score: number | null;
  delta: number | null;
  created_at: Date;
  updated_at: Date;
};

/** A run's comparison with its base branch as the API shows it (`null` when it has no base branch). */
export function baseComparison(row: {
  base_branch: string | null;
  base_score: number | null;
  delta: number | null;
}): { branch: string; score: number | null; delta: number | null } | null {
  return row.base_branch === null
    ? null
    : { branch: row.base_branch, score: row.base_score, delta: row.delta };
}

function runView(row: RunRow) {
  return {
    runId: row.run_id,
    headSha: row.head_sha,
    branch: row.branch,
    pullNumber: row.pull_number,
    reports: row.reports,
    formats: row.formats,
    score: row.score,
    counts: row.counts,
    findingsTotal: row.findings_total,
    base: baseComparison(row),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * The code health of a commit: its most recently updated run (a commit may be
 * built by several runs), or `undefined` when none uploaded a code-health report.
 */
export async function latestCodeHealthOfSha(
  trx: Transaction<Database>,
  repositoryId: string,
  headSha: string,
) {
  return trx
    .selectFrom('code_health_runs')
    .select(['score', 'counts', 'findings_total', 'base_branch', 'base_score', 'delta'])
    .where('repository_id', '=', repositoryId)
    .where('head_sha', '=', headSha)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A repository's code-health runs, newest first, optionally of one branch; cursor-paginated. */
export async function listCodeHealthRuns(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: { branch?: string; cursor?: string; limit: number },
) {
  const before = parseIdCursor(query.cursor);
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    let q = trx
      .selectFrom('code_health_runs')
      .innerJoin('ci_runs', 'ci_runs.id', 'code_health_runs.ci_run_id')
      .select(runColumns)
      .where('code_health_runs.repository_id', '=', repository.id)
      .orderBy('code_health_runs.created_at', 'desc')
      .orderBy('code_health_runs.id', 'desc')
      .limit(query.limit + 1);
    if (query.branch !== undefined) q = q.where('code_health_runs.branch', '=', query.branch);
    if (before !== undefined) q = q.where(olderThan('code_health_runs', before));
    const result = page(await q.execute(), query.limit, (row) => row.id);
    return { runs: result.rows.map(runView), nextCursor: result.nextCursor };
  });
}

/** One run's code health with its stored findings (404 when the run has no code-health report). */
export async function getCodeHealthRun(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; runId: string },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await trx
      .selectFrom('code_health_runs')
      .innerJoin('ci_runs', 'ci_runs.id', 'code_health_runs.ci_run_id')
      .select([...runColumns, 'code_health_runs.findings as finding_list'])
      .where('code_health_runs.repository_id', '=', repository.id)
      .where('ci_runs.run_id', '=', target.runId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`No code-health report for run ${target.runId}`);
    const findings = row.finding_list as {
      rule: string;
      severity: string;
      file?: string;
      line?: number;
      message: string;
    }[];
    return { ...runView(row), findings };
  });
}
