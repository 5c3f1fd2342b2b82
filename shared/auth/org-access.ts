import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
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
  // Before the tenant is known: the system role, which the tables' row-level security admits.
  const row = await withSystem(db, (trx) =>
    trx
      .selectFrom('orgs')
      .leftJoin('memberships', (join) =>
        join
          .onRef('memberships.org_id', '=', 'orgs.id')
          .on('memberships.user_id', '=', principal.kind === 'user' ? principal.userId : null),
      )
      .select(['orgs.id', 'orgs.login', 'memberships.role'])
      .where(sql`lower(orgs.login)`, '=', orgLogin.toLowerCase())
      // An organisation whose deletion was asked for is gone for everyone at once.
      .where('orgs.deleted_at', 'is', null)
      .where('orgs.renamed_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!row) throw notFound();
  if (principal.kind === 'api_token') {
    if (principal.orgId !== row.id) throw notFound();
    return { orgId: row.id, orgLogin: row.login, role: principal.role };
  }
  if (!row.role) throw notFound();
  return { orgId: row.id, orgLogin: row.login, role: row.role };
}

/** Throws 403 unless `access.role` may perform `action` (the permission table decides). */
export function requirePermission(access: OrgAccess, action: Action): void {
  if (!can(access.role, action)) {
    throw new ForbiddenError(`${action} needs the ${permissions[action]} role; you are ${access.role}`);
  }
}
