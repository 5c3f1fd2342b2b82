import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import type { GitHubMembership, GitHubOAuthUser } from './github-oauth.ts';
import { atLeast } from './roles.ts';

/**
 * Upserts the GitHub user and brings their GitHub-derived memberships in line
 * with the installations they can see: new ones are added, a changed GitHub
 * role is applied, and GitHub-derived memberships no longer visible are
 * removed. Memberships granted in Assay (invitations, CLI) are kept, and never
 * weakened. Returns the user id.
 */
export async function syncSignedInUser(
  db: Kysely<Database>,
  user: GitHubOAuthUser,
  memberships: readonly GitHubMembership[],
  client: { ip: string | null; userAgent: string | null },
): Promise<string> {
  return withSystem(db, async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({ github_id: user.id, login: user.login, name: user.name, avatar_url: user.avatarUrl })
      .onConflict((oc) =>
        oc.column('github_id').doUpdateSet({
          login: user.login,
          name: user.name,
          avatar_url: user.avatarUrl,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    const userId = row.id;
    const known = await trx
      .selectFrom('installations')
      .select(['id', 'org_id'])
      .where('deleted_at', 'is', null)
      .where('id', 'in', memberships.length > 0 ? memberships.map((m) => String(m.installationId)) : ['-1'])
      .execute();
    const orgOf = new Map(known.map((k) => [k.id, k.org_id]));
    const seen = new Set<string>();
    const actor = { type: 'github' as const, id: String(user.id), login: user.login, ...client };
    for (const membership of memberships) {
      const orgId = orgOf.get(String(membership.installationId));
      if (!orgId || seen.has(orgId)) continue;
      seen.add(orgId);
      const current = await trx
        .selectFrom('memberships')
        .select(['role', 'source'])
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!current) {
        await trx
          .insertInto('memberships')
          .values({ org_id: orgId, user_id: userId, role: membership.role, source: 'github' })
          .execute();
        await recordAudit(trx, orgId, actor, {
          action: 'member.joined',
          targetType: 'user',
          targetId: userId,
          details: { role: membership.role, source: 'github' },
        });
      } else if (
        current.role !== membership.role &&
        (current.source === 'github' || atLeast(membership.role, current.role))
      ) {
        await trx
          .updateTable('memberships')
          .set({ role: membership.role, source: 'github', updated_at: sql<Date>`now()` })
          .where('org_id', '=', orgId)
          .where('user_id', '=', userId)
          .execute();
        await recordAudit(trx, orgId, actor, {
          action: 'member.role_changed',
          targetType: 'user',
          targetId: userId,
          details: { from: current.role, to: membership.role, source: 'github' },
        });
      }
    }
    const stale = await trx
      .deleteFrom('memberships')
      .where('user_id', '=', userId)
      .where('source', '=', 'github')
      .where('org_id', 'not in', seen.size > 0 ? [...seen] : ['00000000-0000-0000-0000-000000000000'])
      .returning('org_id')
      .execute();
    for (const { org_id } of stale) {
      await recordAudit(trx, org_id, actor, {
        action: 'member.removed',
        targetType: 'user',
        targetId: userId,
        details: { reason: 'no longer visible on GitHub' },
      });
    }
    return userId;
  });
}
