/**
 * The full validation of a pull request's head (the view the check run's
 * summary links to when its table had to be cut): every item's status and
 * test counts, and the head's code health.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { baseComparison, latestCodeHealthOfSha } from '../code-health/code-health.service.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import type { ItemResult } from './item-status.ts';

/**
 * What Assay knows about commit `sha` of a repository (inside `withTenant`):
 * its validation (`null` until a report for it was processed), the reports
 * received for it (with the reason for an invalid one) and its code health.
 */
async function commitValidation(trx: Transaction<Database>, repositoryId: string, sha: string) {
  const headSha = sha.toLowerCase();
  const validation = await trx
    .selectFrom('validations')
    .select(['conclusion', 'items', 'reports', 'counts', 'updated_at'])
    .where('repository_id', '=', repositoryId)
    .where('head_sha', '=', headSha)
    .executeTakeFirst();
  const uploads = await trx
    .selectFrom('ci_uploads')
    .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
    .select([
      'ci_runs.run_id',
      'ci_uploads.kind',
      'ci_uploads.status',
      'ci_uploads.error',
      'ci_uploads.created_at',
    ])
    .where('ci_runs.repository_id', '=', repositoryId)
    .where('ci_runs.head_sha', '=', headSha)
    .where('ci_uploads.status', '!=', 'issued')
    .orderBy('ci_uploads.created_at')
    .execute();
  const health = await latestCodeHealthOfSha(trx, repositoryId, headSha);
  return {
    headSha,
    validation: validation
      ? {
          conclusion: validation.conclusion,
          reports: validation.reports,
          counts: validation.counts,
          updatedAt: validation.updated_at.toISOString(),
          items: (validation.items as ItemResult[]).map((item) => ({
            tid: `T${item.tid}`,
            text: item.text,
            issue: item.issue,
            status: item.status,
            flaky: item.flaky,
            tests: item.tests,
            passed: item.passed,
            failed: item.failed,
            errored: item.errored,
            skipped: item.skipped,
          })),
        }
      : null,
    reports: uploads.map((u) => ({
      runId: u.run_id,
      kind: u.kind,
      status: u.status,
      error: u.error,
      uploadedAt: u.created_at.toISOString(),
    })),
    codeHealth: health
      ? {
          score: health.score,
          counts: health.counts,
          findingsTotal: health.findings_total,
          base: baseComparison(health),
        }
      : null,
  };
}

/**
 * The validation of pull request `number` at `sha` (default: its current
 * head). `validation` is `null` until a report for that commit was processed.
 */
export async function getPullValidation(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; number: number; sha?: string },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const pull = await trx
      .selectFrom('pull_requests')
      .select(['number', 'head_sha'])
      .where('repository_id', '=', repository.id)
      .where('number', '=', target.number)
      .executeTakeFirst();
    if (!pull) throw new NotFoundError(`Pull request #${target.number} not found`);
    const commit = await commitValidation(trx, repository.id, target.sha ?? pull.head_sha);
    return {
      number: pull.number,
      current: commit.headSha === pull.head_sha.toLowerCase(),
      ...commit,
    };
  });
}

/**
 * The validation of any commit `sha` of a repository, with or without a pull
 * request: the same view as a pull request's, plus the pull requests whose
 * head it is. A commit Assay has heard nothing about answers with
 * `validation: null` and no reports (not 404: CI may not have run yet).
 */
export async function getCommitValidation(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; sha: string },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const commit = await commitValidation(trx, repository.id, target.sha);
    const pulls = await trx
      .selectFrom('pull_requests')
      .select(['number', 'state'])
      .where('repository_id', '=', repository.id)
      .where('head_sha', '=', commit.headSha)
      .orderBy('number')
      .execute();
    return { ...commit, pulls: pulls.map((p) => ({ number: p.number, state: p.state })) };
  });
}
