/**
 * What CI sent a repository: every upload Assay issued a URL for, with what
 * became of it (`issued` — nothing arrived yet, `received`, `processed`,
 * `invalid` with the reason, `rejected` with the reason), its counts and times.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { olderThan, page, parseIdCursor } from '../identity/pagination.ts';
import { iso, isoOrNull } from '../identity/rows.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import { runTrustedSql } from './fork-trust.ts';

/**
 * A repository's uploads, newest first, `limit` at a time (`cursor`: the
 * `nextCursor` of the previous page); `sha` keeps one commit's, `pull` one
 * pull request's.
 */
export async function listCiUploads(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: { sha?: string; pull?: number; cursor?: string; limit: number },
) {
  const before = parseIdCursor(query.cursor);
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const { fork_trust: forkTrust } = await trx
      .selectFrom('repositories')
      .select('fork_trust')
      .where('id', '=', repository.id)
      .executeTakeFirstOrThrow();
    let q = trx
      .selectFrom('ci_uploads')
      .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
      .select([
        'ci_uploads.id',
        'ci_runs.run_id',
        'ci_runs.head_sha',
        'ci_runs.pull_number',
        'ci_runs.ref',
        'ci_runs.auth_kind',
        'ci_runs.source',
        'ci_runs.workflow_run_id',
        'ci_runs.workflow_path',
        'ci_runs.workflow_sha',
        'ci_runs.head_repository',
        'ci_runs.from_fork',
        'ci_runs.workflow_changed',
        runTrustedSql(forkTrust).as('trusted'),
        'ci_uploads.kind',
        'ci_uploads.status',
        'ci_uploads.error',
        'ci_uploads.counts',
        'ci_uploads.size_bytes',
        'ci_uploads.created_at',
        'ci_uploads.processed_at',
      ])
      .where('ci_runs.repository_id', '=', repository.id)
      .orderBy('ci_uploads.created_at', 'desc')
      .orderBy('ci_uploads.id', 'desc')
      .limit(query.limit + 1);
    if (query.sha !== undefined) q = q.where('ci_runs.head_sha', '=', query.sha.toLowerCase());
    if (query.pull !== undefined) q = q.where('ci_runs.pull_number', '=', query.pull);
    if (before !== undefined) q = q.where(olderThan('ci_uploads', before));
    const result = page(await q.execute(), query.limit, (row) => row.id);
    return {
      uploads: result.rows.map((row) => ({
        id: row.id,
        runId: row.run_id,
        headSha: row.head_sha,
        pullNumber: row.pull_number,
        ref: row.ref,
        authenticatedBy: row.auth_kind,
        source: row.source === 'pulled' ? ('pulled' as const) : ('uploaded' as const),
        provenance:
          row.source === 'pulled' && row.workflow_run_id !== null
            ? {
                workflowRunId: Number(row.workflow_run_id),
                workflowPath: row.workflow_path,
                workflowSha: row.workflow_sha,
                headRepository: row.head_repository,
                fromFork: row.from_fork,
                workflowChanged: row.workflow_changed,
                trusted: row.trusted,
              }
            : null,
        kind: row.kind,
        status: row.status,
        reason: row.error,
        counts: (row.counts ?? null) as Record<string, unknown> | null,
        sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
        uploadedAt: iso(row.created_at),
        processedAt: isoOrNull(row.processed_at),
      })),
      nextCursor: result.nextCursor,
    };
  });
}
