import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export interface OrgSummary {
  id: string;
  login: string;
  accountType: 'Organization' | 'User';
  role: Role;
}

/** The organisations a principal can act in, with its role in each: a user's memberships, or a token's one org. */
export async function orgsOf(db: Kysely<Database>, principal: Principal): Promise<OrgSummary[]> {
  const rows = await withSystem(db, (trx) => {
    const base = trx.selectFrom('orgs').where('orgs.deleted_at', 'is', null).orderBy('orgs.login');
    if (principal.kind === 'api_token') {
      return base
        .select(['orgs.id', 'orgs.login', 'orgs.account_type'])
        .select((eb) => eb.val(principal.role).as('role'))
        .where('orgs.id', '=', principal.orgId)
        .execute();
    }
    return base
      .innerJoin('memberships', 'memberships.org_id', 'orgs.id')
      .select(['orgs.id', 'orgs.login', 'orgs.account_type', 'memberships.role'])
      .where('memberships.user_id', '=', principal.userId)
      .execute();
  });
  return rows.map((r) => ({ id: r.id, login: r.login, accountType: r.account_type, role: r.role as Role }));
}

/** The signed-in user's profile, or null for an API token not tied to a user. */
export async function userOf(db: Kysely<Database>, principal: Principal) {
  const userId = principal.kind === 'user' ? principal.userId : principal.userId;
  if (!userId) return null;
  const row = await withSystem(db, (trx) =>
    trx
      .selectFrom('users')
      .select(['id', 'login', 'name', 'avatar_url'])
      .where('id', '=', userId)
      .executeTakeFirst(),
  );
  return row ? { id: row.id, login: row.login, name: row.name, avatarUrl: row.avatar_url } : null;
}
