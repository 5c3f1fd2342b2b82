/**
 * Reading code health: a repository's scored runs (newest first) and one run
 * with its findings.
 *
 * @module
 */
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';

const iso = (d: Date) => d.toISOString();

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
    base:
      row.base_branch === null ? null : { branch: row.base_branch, score: row.base_score, delta: row.delta },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const cursorSchema = z.uuid();

/** Keyset "older than the run with id `cursor`" for `(created_at desc, id desc)`. */
function olderThanRun(cursor: string): Expression<SqlBool> {
  return sql<SqlBool>`(code_health_runs.created_at, code_health_runs.id) < (select c.created_at, c.id from code_health_runs c where c.id = ${cursor})`;
}

/** A repository's code-health runs, newest first, optionally of one branch; cursor-paginated. */
export async function listCodeHealthRuns(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: { branch?: string; cursor?: string; limit: number },
) {
  if (query.cursor !== undefined && !cursorSchema.safeParse(query.cursor).success) {
    throw new ValidationError('cursor is not one this API returned', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  }
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
    if (query.cursor !== undefined) q = q.where(olderThanRun(query.cursor));
    const rows = await q.execute();
    const kept = rows.slice(0, query.limit);
    const last = kept.at(-1);
    return {
      runs: kept.map(runView),
      nextCursor: rows.length > query.limit && last ? last.id : null,
    };
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
