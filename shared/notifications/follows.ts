import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';

/** A repository as its path names it. */
export interface RepositoryTarget {
  owner: string;
  repo: string;
}

/**
 * `userId` follows a repository of the organisation, and so receives its
 * notifications. Idempotent: following twice changes nothing (and audits
 * once, `repository.followed`). Unknown repository → 404.
 */
export async function followRepository(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  userId: string,
  target: RepositoryTarget,
): Promise<{ following: true }> {
  await withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const inserted = await trx
      .insertInto('repository_follows')
      .values({ org_id: access.orgId, repository_id: repository.id, user_id: userId })
      .onConflict((oc) => oc.columns(['repository_id', 'user_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    await recordAudit(trx, access.orgId, actor, {
      action: 'repository.followed',
      targetType: 'repository',
      targetId: repository.full_name,
      details: { userId },
    });
  });
  return { following: true };
}

/**
 * `userId` stops following a repository. Idempotent: unfollowing one not
 * followed changes nothing (audits only a real change,
 * `repository.unfollowed`). Unknown repository → 404.
 */
export async function unfollowRepository(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  userId: string,
  target: RepositoryTarget,
): Promise<{ following: false }> {
  await withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const deleted = await trx
      .deleteFrom('repository_follows')
      .where('org_id', '=', access.orgId)
      .where('repository_id', '=', repository.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return;
    await recordAudit(trx, access.orgId, actor, {
      action: 'repository.unfollowed',
      targetType: 'repository',
      targetId: repository.full_name,
      details: { userId },
    });
  });
  return { following: false };
}
