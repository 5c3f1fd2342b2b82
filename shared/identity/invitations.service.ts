import { type Kysely, sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Principal } from '../auth/principal.ts';
import { atLeast, type Role, roles } from '../auth/roles.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { olderThan, page, parseIdCursor } from './pagination.ts';
import { iso, userIdOf } from './rows.ts';

/** Prefix of invitation tokens (shown once, stored hashed). */
export const INVITATION_TOKEN_PREFIX = 'assay_inv_';

export type InvitedRole = Exclude<Role, 'owner'>;
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  role: InvitedRole;
  login: string | null;
  expiresAt: string;
  status: InvitationStatus;
  createdAt: string;
}

interface InvitationRow {
  id: string;
  role: InvitedRole;
  login: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const shownColumns = [
  'id',
  'role',
  'login',
  'expires_at',
  'accepted_at',
  'revoked_at',
  'created_at',
] as const;

function statusOf(row: InvitationRow, now = new Date()): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    role: row.role,
    login: row.login,
    expiresAt: iso(row.expires_at),
    status: statusOf(row),
    createdAt: iso(row.created_at),
  };
}

/** SQL rank of a role (viewer 1 … owner 4), to keep the stronger of two roles in one statement. */
function rankSql(ref: ReturnType<typeof sql.ref>) {
  const strongestLast = [...roles].reverse();
  return sql<number>`array_position(array[${sql.join(strongestLast)}]::text[], ${ref})`;
}

/**
 * Invites someone to the organisation with `role` (never owner, never above
 * the caller's role), optionally only the GitHub user `login`. The token is
 * returned once; only its hash is stored.
 */
export async function createInvitation(
  db: Kysely<Database>,
  access: OrgAccess,
  principal: Principal | undefined,
  actor: Actor,
  body: { role: InvitedRole; login?: string; expiresInDays: number },
): Promise<Invitation & { token: string }> {
  if (!atLeast(access.role, body.role)) {
    throw new ForbiddenError(
      `You cannot invite with a role above yours (${access.role})`,
      'role_exceeds_caller',
    );
  }
  const token = newToken(INVITATION_TOKEN_PREFIX);
  return withTenant(db, access.orgId, async (trx) => {
    const row = await trx
      .insertInto('invitations')
      .values({
        org_id: access.orgId,
        role: body.role,
        login: body.login ?? null,
        token_hash: hashToken(token),
        expires_at: sql<Date>`now() + make_interval(days => ${body.expiresInDays})`,
        created_by: userIdOf(principal),
      })
      .returning(shownColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, access.orgId, actor, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: row.id,
      details: { role: row.role, login: row.login, expiresAt: iso(row.expires_at) },
    });
    return { ...toInvitation(row), token };
  });
}

/** The organisation's invitations, newest first, each with its status. */
export async function listInvitations(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ invitations: Invitation[]; nextCursor: string | null }> {
  const before = parseIdCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => {
    let q = trx
      .selectFrom('invitations')
      .select(shownColumns)
      .where('org_id', '=', orgId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (before) q = q.where(olderThan('invitations', before));
    return q.execute();
  });
  const result = page(rows, query.limit, (row) => row.id);
  return { invitations: result.rows.map(toInvitation), nextCursor: result.nextCursor };
}

/**
 * Revokes a pending (or expired, unused) invitation. Unknown or another
 * organisation's → 404; already accepted → 409; already revoked → no change.
 */
export async function revokeInvitation(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  id: string,
): Promise<void> {
  await withTenant(db, access.orgId, async (trx) => {
    const revoked = await trx
      .updateTable('invitations')
      .set({ revoked_at: sql<Date>`now()` })
      .where('org_id', '=', access.orgId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning(['id', 'role', 'login'])
      .executeTakeFirst();
    if (!revoked) {
      const row = await trx
        .selectFrom('invitations')
        .select(['accepted_at'])
        .where('org_id', '=', access.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`Invitation ${id} not found`);
      if (row.accepted_at)
        throw new ConflictError('The invitation was already accepted', 'invitation_accepted');
      return;
    }
    await recordAudit(trx, access.orgId, actor, {
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: revoked.id,
      details: { role: revoked.role, login: revoked.login },
    });
  });
}

export interface AcceptedInvitation {
  id: string;
  login: string;
  accountType: 'Organization' | 'User';
  role: Role;
}

/**
 * The signed-in user joins the invitation's organisation. The invitation is
 * used by one conditional UPDATE (unused, unrevoked, unexpired, and bound to
 * this login if bound at all), so a second accept — even a concurrent one —
 * finds nothing: 404, as for an unknown token. A member already in the
 * organisation keeps the stronger of their role and the invited one.
 */
export async function acceptInvitation(
  db: Kysely<Database>,
  principal: Principal,
  actor: Actor,
  token: string,
): Promise<AcceptedInvitation> {
  if (principal.kind !== 'user') {
    throw new ForbiddenError(
      'Only a signed-in user can accept an invitation, not an API token',
      'user_required',
    );
  }
  const notFound = () => new NotFoundError('Invitation not found, already used, revoked or expired');
  if (!token.startsWith(INVITATION_TOKEN_PREFIX)) throw notFound();
  const tokenHash = hashToken(token);
  // The organisation is not known until the token is: look it up across tenants, change nothing.
  const found = await withSystem(db, (trx) =>
    trx.selectFrom('invitations').select('org_id').where('token_hash', '=', tokenHash).executeTakeFirst(),
  );
  if (!found) throw notFound();
  const orgId = found.org_id;
  return withTenant(db, orgId, async (trx) => {
    const invitation = await trx
      .updateTable('invitations')
      .set({ accepted_at: sql<Date>`now()`, accepted_by: principal.userId })
      .where('org_id', '=', orgId)
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .where((eb) =>
        eb.or([eb('login', 'is', null), eb(sql`lower(login)`, '=', principal.login.toLowerCase())]),
      )
      .returning(['id', 'role', 'login'])
      .executeTakeFirst();
    if (!invitation) throw notFound();
    const previous = await trx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', principal.userId)
      .forUpdate()
      .executeTakeFirst();
    const membership = await trx
      .insertInto('memberships')
      .values({ org_id: orgId, user_id: principal.userId, role: invitation.role, source: 'invitation' })
      .onConflict((oc) =>
        oc.columns(['org_id', 'user_id']).doUpdateSet({
          role: sql<Role>`case when ${rankSql(sql.ref('excluded.role'))} > ${rankSql(sql.ref('memberships.role'))}
            then excluded.role else memberships.role end`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('role')
      .executeTakeFirstOrThrow();
    const org = await trx
      .selectFrom('orgs')
      .select(['id', 'login', 'account_type'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, orgId, actor, {
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: invitation.id,
      details: {
        invitedRole: invitation.role,
        role: membership.role,
        previousRole: previous?.role ?? null,
        userId: principal.userId,
        login: principal.login,
      },
    });
    return { id: org.id, login: org.login, accountType: org.account_type, role: membership.role };
  });
}
