import { type Kysely, sql, type Transaction } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import { API_TOKEN_PREFIX, type Principal } from '../auth/principal.ts';
import { atLeast, type Role } from '../auth/roles.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { olderThan, page, parseIdCursor } from './pagination.ts';
import { iso, isoOrNull, userIdOf } from './rows.ts';

/** How many characters of a token are kept in clear to tell tokens apart (`assay_pat_` + 4). */
export const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 4;

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface NewApiToken {
  name: string;
  role: Role;
  expiresInDays: number;
  /** The user the token acts for (its login names the token's actor), if any. */
  userId: string | null;
  /** Who created it. */
  createdBy: string | null;
}

// The columns a token is shown with: never the hash.
const shownColumns = [
  'id',
  'name',
  'role',
  'prefix',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'created_at',
] as const;

function toApiToken(row: {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    expiresAt: iso(row.expires_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
    createdAt: iso(row.created_at),
  };
}

/**
 * Mints an API token for `orgId` inside the caller's transaction (tenant or
 * system) and audits it there: the plaintext is returned once and only its
 * SHA-256 is stored, with a short display prefix. Used by the API and the CLI.
 */
export async function mintApiToken(
  trx: Transaction<Database>,
  orgId: string,
  actor: Actor,
  spec: NewApiToken,
): Promise<ApiToken & { token: string }> {
  const token = newToken(API_TOKEN_PREFIX);
  const row = await trx
    .insertInto('api_tokens')
    .values({
      org_id: orgId,
      user_id: spec.userId,
      name: spec.name,
      role: spec.role,
      token_hash: hashToken(token),
      prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      expires_at: sql<Date>`now() + make_interval(days => ${spec.expiresInDays})`,
      created_by: spec.createdBy,
    })
    .returning(shownColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, orgId, actor, {
    action: 'api_token.created',
    targetType: 'api_token',
    targetId: row.id,
    details: {
      name: row.name,
      role: row.role,
      prefix: row.prefix,
      expiresAt: iso(row.expires_at),
      userId: spec.userId,
    },
  });
  return { ...toApiToken(row), token };
}

/** Creates a token through the API: its role may not exceed the caller's role in the organisation (403). */
export async function createApiToken(
  db: Kysely<Database>,
  access: OrgAccess,
  principal: Principal | undefined,
  actor: Actor,
  body: { name: string; role: Role; expiresInDays: number },
): Promise<ApiToken & { token: string }> {
  if (!atLeast(access.role, body.role)) {
    throw new ForbiddenError(
      `A token's role cannot exceed yours: you are ${access.role}, the token would be ${body.role}`,
      'role_exceeds_caller',
    );
  }
  const userId = userIdOf(principal);
  return withTenant(db, access.orgId, (trx) =>
    mintApiToken(trx, access.orgId, actor, { ...body, userId, createdBy: userId }),
  );
}

/** The organisation's tokens, newest first (revoked and expired included, never the hash). */
export async function listApiTokens(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ tokens: ApiToken[]; nextCursor: string | null }> {
  const before = parseIdCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => {
    let q = trx
      .selectFrom('api_tokens')
      .select(shownColumns)
      .where('org_id', '=', orgId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (before) q = q.where(olderThan('api_tokens', before));
    return q.execute();
  });
  const result = page(rows, query.limit, (row) => row.id);
  return { tokens: result.rows.map(toApiToken), nextCursor: result.nextCursor };
}

/**
 * Revokes a token of the organisation (404 for another organisation's or an
 * unknown id). A token stronger than the caller can only be revoked by someone
 * at least as strong (403). Revoking a revoked token changes nothing.
 */
export async function revokeApiToken(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  id: string,
): Promise<void> {
  await withTenant(db, access.orgId, async (trx) => {
    const row = await trx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'prefix', 'revoked_at'])
      .where('org_id', '=', access.orgId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`API token ${id} not found`);
    if (!atLeast(access.role, row.role)) {
      throw new ForbiddenError(
        `Revoking a ${row.role} token needs the ${row.role} role; you are ${access.role}`,
        'role_exceeds_caller',
      );
    }
    if (row.revoked_at) return;
    await trx.updateTable('api_tokens').set({ revoked_at: sql<Date>`now()` }).where('id', '=', id).execute();
    await recordAudit(trx, access.orgId, actor, {
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: row.id,
      details: { name: row.name, role: row.role, prefix: row.prefix },
    });
  });
}
