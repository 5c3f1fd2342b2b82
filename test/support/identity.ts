import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { API_TOKEN_PREFIX } from '../../shared/auth/principal.ts';
import type { Role } from '../../shared/auth/roles.ts';
import { hashToken, newToken } from '../../shared/auth/secrets.ts';
import { sessionKey, signSessionToken } from '../../shared/auth/session-jwt.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem, withTenant } from '../../shared/db/tenant.ts';

/** The session secret tests run with (set it as ASSAY_SESSION_KEY before the runtime starts). */
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghij';

let githubIds = 100_000;

/** Creates an organisation (as installation sync would) and returns its id. */
export async function seedOrg(db: Kysely<Database>, login: string): Promise<string> {
  const row = await withSystem(db, (trx) =>
    trx
      .insertInto('orgs')
      .values({ github_account_id: githubIds++, login, account_type: 'Organization' })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}

/** Creates a user, optionally a member of `orgId` with `role`. */
export async function seedUser(
  db: Kysely<Database>,
  login: string,
  membership?: { orgId: string; role: Role },
): Promise<string> {
  const user = await db
    .insertInto('users')
    .values({ login, github_id: githubIds++, name: login })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (membership) {
    await withTenant(db, membership.orgId, (trx) =>
      trx
        .insertInto('memberships')
        .values({ org_id: membership.orgId, user_id: user.id, role: membership.role, source: 'cli' })
        .execute(),
    );
  }
  return user.id;
}

/** Opens a session for a user and returns its id and a signed access token (as sign-in would). */
export async function seedSession(
  db: Kysely<Database>,
  userId: string,
  options: { now?: Date; secret?: string } = {},
): Promise<{ sessionId: string; token: string }> {
  const session = await db
    .insertInto('sessions')
    .values({
      user_id: userId,
      refresh_hash: hashToken(randomUUID()),
      refresh_expires_at: new Date(Date.now() + 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = await signSessionToken(
    sessionKey(options.secret ?? TEST_SESSION_SECRET),
    { sub: userId, sid: session.id },
    options.now,
  );
  return { sessionId: session.id, token };
}

/** Creates an API token for `orgId` with `role` and returns the plaintext. */
export async function seedApiToken(
  db: Kysely<Database>,
  orgId: string,
  role: Role,
  options: { expiresAt?: Date; userId?: string } = {},
): Promise<{ id: string; token: string }> {
  const token = newToken(API_TOKEN_PREFIX);
  const row = await withTenant(db, orgId, (trx) =>
    trx
      .insertInto('api_tokens')
      .values({
        org_id: orgId,
        user_id: options.userId ?? null,
        name: `test-${role}`,
        role,
        token_hash: hashToken(token),
        prefix: token.slice(0, 14),
        expires_at: options.expiresAt ?? sql<Date>`now() + interval '1 day'`,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return { id: row.id, token };
}

/** An organisation seeded with its members: ids by name, and a session bearer token by name. */
export interface SeededOrg {
  id: string;
  login: string;
  users: Record<string, string>;
  /** Bearer session tokens by name. */
  as: Record<string, string>;
}

/** An organisation with one signed-in member per `name: role` (logins prefixed with the org's). */
export async function seedOrgWithMembers(
  db: Kysely<Database>,
  login: string,
  members: Record<string, Role>,
): Promise<SeededOrg> {
  const id = await seedOrg(db, login);
  const result: SeededOrg = { id, login, users: {}, as: {} };
  for (const [name, role] of Object.entries(members)) {
    const userId = await seedUser(db, `${login}-${name}`, { orgId: id, role });
    result.users[name] = userId;
    result.as[name] = (await seedSession(db, userId)).token;
  }
  return result;
}

/** The audit events of an organisation with one action, oldest first. */
export function auditEventsOf(db: Kysely<Database>, orgId: string, action: string) {
  return withSystem(db, (trx) =>
    trx
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('action', '=', action)
      .orderBy('id')
      .execute(),
  );
}
