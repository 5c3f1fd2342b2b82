import { type Kysely, sql, type Transaction } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Role } from '../auth/roles.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { page, parseLoginCursor } from './pagination.ts';
import { iso, rolesAbove } from './rows.ts';

export interface Member {
  user: { id: string; login: string; name: string | null; avatarUrl: string | null };
  role: Role;
  source: 'github' | 'invitation' | 'cli';
  since: string;
}

interface MemberRow {
  user_id: string;
  login: string;
  name: string | null;
  avatar_url: string | null;
  role: Role;
  source: 'github' | 'invitation' | 'cli';
  created_at: Date;
}

function toMember(row: MemberRow): Member {
  return {
    user: { id: row.user_id, login: row.login, name: row.name, avatarUrl: row.avatar_url },
    role: row.role,
    source: row.source,
    since: iso(row.created_at),
  };
}

function membersOf(trx: Transaction<Database>, orgId: string) {
  return trx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'memberships.user_id',
      'users.login',
      'users.name',
      'users.avatar_url',
      'memberships.role',
      'memberships.source',
      'memberships.created_at',
    ])
    .where('memberships.org_id', '=', orgId);
}

/** The member with `login` (case-insensitive), locked for the rest of the transaction; 404 if none. */
async function lockMember(trx: Transaction<Database>, orgId: string, login: string): Promise<MemberRow> {
  const row = await membersOf(trx, orgId)
    .where(sql`lower(users.login)`, '=', login.toLowerCase())
    .forUpdate('memberships')
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Member ${login} not found`);
  return row;
}

/** Only an owner may touch the owner role: grant it, take it away, or remove an owner. */
function requireOwnerFor(access: OrgAccess, what: string): void {
  if (access.role !== 'owner')
    throw new ForbiddenError(`Only an owner may ${what}; you are ${access.role}`, 'owner_required');
}

/**
 * Refuses to leave the organisation without an owner. Locks every owner row
 * first, so two concurrent demotions of the last two owners cannot both pass.
 */
async function requireAnotherOwner(trx: Transaction<Database>, orgId: string, userId: string): Promise<void> {
  const owners = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .forUpdate()
    .execute();
  if (!owners.some((o) => o.user_id !== userId)) {
    throw new ConflictError('The last owner of an organisation cannot be demoted or removed', 'last_owner');
  }
}

/** Revokes the member's API tokens in the organisation (all of them, or those stronger than `role`). */
async function revokeTokensOf(
  trx: Transaction<Database>,
  orgId: string,
  userId: string,
  strongerThan?: Role,
): Promise<number> {
  let q = trx
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (strongerThan) {
    const above = rolesAbove(strongerThan);
    if (above.length === 0) return 0;
    q = q.where('role', 'in', above);
  }
  const rows = await q.returning('id').execute();
  return rows.length;
}

/** Members of the organisation ordered by login; the cursor is the last login of the previous page. */
export async function listMembers(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ members: Member[]; nextCursor: string | null }> {
  const after = parseLoginCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => {
    let q = membersOf(trx, orgId)
      .orderBy(sql`lower(users.login)`)
      .limit(query.limit + 1);
    if (after) q = q.where(sql`lower(users.login)`, '>', after);
    return q.execute();
  });
  const result = page(rows, query.limit, (row) => row.login.toLowerCase());
  return { members: result.rows.map(toMember), nextCursor: result.nextCursor };
}

/**
 * Changes a member's role. Only an owner may grant or take away `owner`; the
 * last owner cannot be demoted (409 `last_owner`). API tokens the member holds
 * that are stronger than the new role are revoked, so no token outranks its user.
 */
export async function changeMemberRole(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  login: string,
  role: Role,
): Promise<Member> {
  return withTenant(db, access.orgId, async (trx) => {
    const target = await lockMember(trx, access.orgId, login);
    if (target.role === 'owner' || role === 'owner')
      requireOwnerFor(access, "grant the owner role or change an owner's role");
    if (target.role === role) return toMember(target);
    if (target.role === 'owner') await requireAnotherOwner(trx, access.orgId, target.user_id);
    await trx
      .updateTable('memberships')
      .set({ role, updated_at: sql<Date>`now()` })
      .where('org_id', '=', access.orgId)
      .where('user_id', '=', target.user_id)
      .execute();
    const revokedTokens = await revokeTokensOf(trx, access.orgId, target.user_id, role);
    await recordAudit(trx, access.orgId, actor, {
      action: 'member.role_changed',
      targetType: 'user',
      targetId: target.user_id,
      details: { login: target.login, from: target.role, to: role, revokedTokens },
    });
    return toMember({ ...target, role });
  });
}

/**
 * Removes a member (and revokes the API tokens they hold in the organisation).
 * Only an owner may remove an owner; the last owner cannot be removed.
 */
export async function removeMember(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  login: string,
): Promise<void> {
  await withTenant(db, access.orgId, async (trx) => {
    const target = await lockMember(trx, access.orgId, login);
    if (target.role === 'owner') {
      requireOwnerFor(access, 'remove an owner');
      await requireAnotherOwner(trx, access.orgId, target.user_id);
    }
    await trx
      .deleteFrom('memberships')
      .where('org_id', '=', access.orgId)
      .where('user_id', '=', target.user_id)
      .execute();
    const revokedTokens = await revokeTokensOf(trx, access.orgId, target.user_id);
    await recordAudit(trx, access.orgId, actor, {
      action: 'member.removed',
      targetType: 'user',
      targetId: target.user_id,
      details: { login: target.login, role: target.role, revokedTokens },
    });
  });
}
