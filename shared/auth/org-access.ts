import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { type Action, can, permissions } from './permissions.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export interface OrgAccess {
  orgId: string;
  orgLogin: string;
  role: Role;
}

/**
 * The caller's role in the organisation named `orgLogin`. An organisation the
 * caller does not belong to is reported exactly like one that does not exist
 * (404), so its existence does not leak.
 */
export async function resolveOrgAccess(
  db: Kysely<Database>,
  principal: Principal,
  orgLogin: string,
): Promise<OrgAccess> {
  const notFound = () => new NotFoundError(`Organisation ${orgLogin} not found`);
  const org = await db
    .selectFrom('orgs')
    .select(['id', 'login'])
    .where(sql`lower(login)`, '=', orgLogin.toLowerCase())
    .executeTakeFirst()
    .catch(() => undefined);
  if (!org) throw notFound();
  if (principal.kind === 'api_token') {
    if (principal.orgId !== org.id) throw notFound();
    return { orgId: org.id, orgLogin: org.login, role: principal.role };
  }
  const membership = await db
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', org.id)
    .where('user_id', '=', principal.userId)
    .executeTakeFirst();
  if (!membership) throw notFound();
  return { orgId: org.id, orgLogin: org.login, role: membership.role };
}

/** Throws 403 unless `access.role` may perform `action` (the permission table decides). */
export function requirePermission(access: OrgAccess, action: Action): void {
  if (!can(access.role, action)) {
    throw new ForbiddenError(`${action} needs the ${permissions[action]} role; you are ${access.role}`);
  }
}
