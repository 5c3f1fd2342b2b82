/**
 * Code health per CI run: the findings of every code-health report a run
 * uploaded, scored together (formula in `shared/reports/code-health/README.md`)
 * and compared with the latest run on the base branch.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import { branchOfRef } from '../ci/upload-kinds.ts';
import type { Database } from '../db/database.ts';
import {
  type CodeHealthValidResult,
  compareScores,
  computeScore,
  emptyCounts,
  type Finding,
  SEVERITIES,
  type SeverityCounts,
} from '../reports/code-health/index.ts';

type Trx = Transaction<Database>;

/** Findings kept per run (counts and score always cover all of them). */
export const MAX_STORED_FINDINGS = 1000;

/** A run's code health after a report was added. */
export interface CodeHealthRunSummary {
  ciRunId: string;
  branch: string | null;
  score: number;
  reports: number;
  findings: number;
  baseBranch: string | null;
  baseScore: number | null;
  delta: number | null;
  trend: 'improved' | 'regressed' | 'unchanged' | 'no-base';
}

/**
 * Which branch a run belongs to and which branch it is compared with: a pull
 * request's run is its head branch against its base branch; a push is its
 * branch against the default branch (the default branch against its own
 * previous run).
 */
async function branchesOf(
  trx: Trx,
  run: { repository_id: string; pull_number: number | null; ref: string | null },
): Promise<{ branch: string | null; baseBranch: string | null }> {
  if (run.pull_number !== null) {
    const pull = await trx
      .selectFrom('pull_requests')
      .select(['head_ref', 'base_ref'])
      .where('repository_id', '=', run.repository_id)
      .where('number', '=', run.pull_number)
      .executeTakeFirst();
    if (pull) return { branch: pull.head_ref, baseBranch: pull.base_ref };
  }
  const repository = await trx
    .selectFrom('repositories')
    .select('default_branch')
    .where('id', '=', run.repository_id)
    .executeTakeFirstOrThrow();
  return { branch: branchOfRef(run.ref), baseBranch: repository.default_branch };
}

function addCounts(a: Partial<SeverityCounts>, b: SeverityCounts): SeverityCounts {
  const sum = emptyCounts();
  for (const severity of SEVERITIES) sum[severity] = (a[severity] ?? 0) + b[severity];
  return sum;
}

/**
 * Adds one parsed code-health report to its run's code health, inside the
 * caller's transaction (the one that marks the upload processed, so a report
 * counts exactly once): counts summed, findings appended (the first
 * {@link MAX_STORED_FINDINGS} kept), score recomputed, and the change
 * against the latest scored run on the base branch stored beside it.
 */
export async function addCodeHealthReport(
  trx: Trx,
  input: { orgId: string; ciRunId: string; result: CodeHealthValidResult },
): Promise<CodeHealthRunSummary> {
  const run = await trx
    .selectFrom('ci_runs')
    .select(['id', 'repository_id', 'head_sha', 'pull_number', 'ref'])
    .where('id', '=', input.ciRunId)
    .executeTakeFirstOrThrow();
  const { branch, baseBranch } = await branchesOf(trx, run);
  await trx
    .insertInto('code_health_runs')
    .values({
      org_id: input.orgId,
      repository_id: run.repository_id,
      ci_run_id: run.id,
      head_sha: run.head_sha,
      branch,
      pull_number: run.pull_number,
      reports: 0,
      formats: JSON.stringify([]),
      score: 100,
      counts: JSON.stringify(emptyCounts()),
      findings: JSON.stringify([]),
      findings_total: 0,
      base_branch: baseBranch,
    })
    .onConflict((oc) => oc.column('ci_run_id').doNothing())
    .execute();
  const current = await trx
    .selectFrom('code_health_runs')
    .select(['id', 'reports', 'formats', 'counts', 'findings', 'findings_total'])
    .where('ci_run_id', '=', run.id)
    .forUpdate()
    .executeTakeFirstOrThrow();

  const counts = addCounts(current.counts, input.result.counts);
  const score = computeScore(counts);
  const stored = current.findings as Finding[];
  const findings = stored.concat(input.result.findings.slice(0, MAX_STORED_FINDINGS - stored.length));
  const formats = [...new Set([...current.formats, input.result.format])];
  const base =
    baseBranch === null
      ? undefined
      : await trx
          .selectFrom('code_health_runs')
          .select(['id', 'score'])
          .where('repository_id', '=', run.repository_id)
          .where('branch', '=', baseBranch)
          .where('ci_run_id', '!=', run.id)
          .where('reports', '>', 0)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
  const comparison = compareScores(score, base?.score);
  await trx
    .updateTable('code_health_runs')
    .set({
      branch,
      base_branch: baseBranch,
      pull_number: run.pull_number,
      reports: current.reports + 1,
      formats: JSON.stringify(formats),
      score,
      counts: JSON.stringify(counts),
      findings: JSON.stringify(findings),
      findings_total: current.findings_total + input.result.findings.length,
      base_run_id: base?.id ?? null,
      base_score: comparison.base,
      delta: comparison.delta,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', current.id)
    .execute();
  return {
    ciRunId: run.id,
    branch,
    score,
    reports: current.reports + 1,
    findings: current.findings_total + input.result.findings.length,
    baseBranch,
    baseScore: comparison.base,
    delta: comparison.delta,
    trend: comparison.trend,
  };
}
