import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import { can } from '../auth/permissions.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { queues } from '../queues/messages.ts';

type Target = { owner: string; repo: string; number: number };

/**
 * The pull request `owner/repo#number` of the current (not renamed-away)
 * repository, with its head SHA and repository ids, inside a tenant
 * transaction. Throws `NotFoundError` when there is none.
 */
export async function findPullInTenant(trx: Transaction<Database>, target: Target) {
  const row = await trx
    .selectFrom('pull_requests')
    .innerJoin('repositories', 'repositories.id', 'pull_requests.repository_id')
    .select([
      'pull_requests.id',
      'pull_requests.head_sha',
      'repositories.id as repository_id',
      'repositories.github_id',
      'repositories.installation_id',
      'repositories.full_name',
    ])
    .where(sql`lower(repositories.full_name)`, '=', `${target.owner}/${target.repo}`.toLowerCase())
    .where('repositories.renamed_at', 'is', null)
    .where('pull_requests.number', '=', target.number)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Pull request ${target.owner}/${target.repo}#${target.number} not found`);
  return row;
}

function findPull(db: Kysely<Database>, orgId: string, target: Target) {
  return withTenant(db, orgId, (trx) => findPullInTenant(trx, target));
}

/** Queues a rebuild of a pull request's manifest and validation (audited); returns the job id. */
export async function requestRevalidation(
  db: Kysely<Database>,
  publisher: QueuePublisher,
  access: OrgAccess,
  actor: Actor,
  target: Target,
): Promise<{ jobId: string }> {
  const pull = await findPull(db, access.orgId, target);
  const jobId = randomUUID();
  await withTenant(db, access.orgId, (trx) =>
    recordAudit(trx, access.orgId, actor, {
      action: 'pull.revalidate_requested',
      targetType: 'pull_request',
      targetId: `${pull.full_name}#${target.number}`,
      details: { jobId, headSha: pull.head_sha },
    }),
  );
  await publisher.send(queues.manifest, {
    installationId: Number(pull.installation_id),
    repositoryGithubId: Number(pull.github_id),
    repoFullName: pull.full_name,
    pullNumber: target.number,
    reason: 'revalidate',
    jobId,
  });
  return { jobId };
}

/**
 * Flags a pull request as ready to merge: only when its head SHA's validation
 * succeeded, unless an admin overrides (with a reason). Both are audited.
 */
export async function flagForMerge(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  target: Target,
  request: { override: boolean; reason?: string },
) {
  const pull = await findPull(db, access.orgId, target);
  return withTenant(db, access.orgId, async (trx) => {
    const validation = await trx
      .selectFrom('validations')
      .select('conclusion')
      .where('repository_id', '=', pull.repository_id)
      .where('head_sha', '=', pull.head_sha)
      .executeTakeFirst();
    const conclusion = validation?.conclusion ?? null;
    const green = conclusion === 'success';
    if (!green && !request.override) {
      throw new ConflictError(
        `Validation of ${pull.head_sha.slice(0, 7)} is ${conclusion ?? 'not done'}`,
        'validation_not_green',
      );
    }
    if (!green && !can(access.role, 'pulls:override-merge')) {
      throw new ForbiddenError(
        'Only an admin may override a validation that is not green',
        'override_forbidden',
      );
    }
    if (!green && !request.reason)
      throw new ValidationError('An override needs a reason', [{ path: 'body.reason', message: 'Required' }]);
    await trx
      .updateTable('pull_requests')
      .set({ flagged_for_merge_at: sql<Date>`now()`, flagged_sha: pull.head_sha, flag_override: !green })
      .where('id', '=', pull.id)
      .execute();
    await recordAudit(trx, access.orgId, actor, {
      action: green ? 'pull.flagged_for_merge' : 'pull.flagged_for_merge_override',
      targetType: 'pull_request',
      targetId: `${pull.full_name}#${target.number}`,
      details: { headSha: pull.head_sha, conclusion, ...(green ? {} : { reason: request.reason }) },
    });
    return { flagged: true as const, headSha: pull.head_sha, conclusion, override: !green };
  });
}
