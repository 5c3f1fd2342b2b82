/**
 * Repository upload tokens: created by an admin through the API, shown once,
 * stored as SHA-256, expiring and revocable. A token speaks for exactly one
 * repository.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import { markTokenUsed } from '../auth/token-usage.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { NotFoundError, UnauthorizedError } from '../errors.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import { UPLOAD_TOKEN_PREFIX } from './upload-kinds.ts';

export { UPLOAD_TOKEN_PREFIX };

/** How many characters are kept in clear to tell tokens apart (`assay_upl_` + 4). */
export const UPLOAD_TOKEN_DISPLAY_LENGTH = UPLOAD_TOKEN_PREFIX.length + 4;

/** An upload token as the API shows it (never the hash). */
export interface UploadToken {
  id: string;
  name: string;
  repository: string;
  prefix: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const iso = (value: Date) => value.toISOString();
const isoOrNull = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * Creates an upload token for a repository of the caller's organisation and
 * audits it (`upload_token.created`). The plaintext is returned once; only its
 * hash and a short display prefix are stored.
 */
export async function createUploadToken(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  target: { owner: string; repo: string },
  body: { name: string; expiresInDays: number },
  createdBy: string | null,
): Promise<UploadToken & { token: string }> {
  const token = newToken(UPLOAD_TOKEN_PREFIX);
  return withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await trx
      .insertInto('upload_tokens')
      .values({
        org_id: access.orgId,
        repository_id: repository.id,
        name: body.name,
        token_hash: hashToken(token),
        prefix: token.slice(0, UPLOAD_TOKEN_DISPLAY_LENGTH),
        expires_at: sql<Date>`now() + make_interval(days => ${body.expiresInDays})`,
        created_by: createdBy,
      })
      .returning(['id', 'name', 'prefix', 'expires_at', 'last_used_at', 'revoked_at', 'created_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, access.orgId, actor, {
      action: 'upload_token.created',
      targetType: 'upload_token',
      targetId: row.id,
      details: {
        repository: repository.full_name,
        name: row.name,
        prefix: row.prefix,
        expiresAt: iso(row.expires_at),
      },
    });
    return {
      id: row.id,
      name: row.name,
      repository: repository.full_name,
      prefix: row.prefix,
      expiresAt: iso(row.expires_at),
      lastUsedAt: isoOrNull(row.last_used_at),
      revokedAt: isoOrNull(row.revoked_at),
      createdAt: iso(row.created_at),
      token,
    };
  });
}

/**
 * Revokes an upload token of the repository (404 for an unknown id or one of
 * another repository) and audits it (`upload_token.revoked`). Revoking a
 * revoked token changes nothing.
 */
export async function revokeUploadToken(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  target: { owner: string; repo: string },
  id: string,
): Promise<void> {
  await withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await trx
      .selectFrom('upload_tokens')
      .select(['id', 'name', 'prefix', 'revoked_at'])
      .where('id', '=', id)
      .where('repository_id', '=', repository.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Upload token ${id} not found`);
    if (row.revoked_at) return;
    await trx
      .updateTable('upload_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, access.orgId, actor, {
      action: 'upload_token.revoked',
      targetType: 'upload_token',
      targetId: row.id,
      details: { repository: repository.full_name, name: row.name, prefix: row.prefix },
    });
  });
}

/** What a valid upload token stands for. */
export interface UploadTokenGrant {
  tokenId: string;
  orgId: string;
  repositoryId: string;
}

/**
 * Looks an upload token up by its hash, before any tenant is known: unknown,
 * revoked or expired → 401. Marks it used (at most once a minute).
 */
export async function authenticateUploadToken(
  db: Kysely<Database>,
  token: string,
): Promise<UploadTokenGrant> {
  return withSystem(db, async (trx) => {
    const row = await trx
      .selectFrom('upload_tokens')
      .innerJoin('orgs', 'orgs.id', 'upload_tokens.org_id')
      .select(['upload_tokens.id', 'upload_tokens.org_id', 'upload_tokens.repository_id'])
      .where('upload_tokens.token_hash', '=', hashToken(token))
      .where('upload_tokens.revoked_at', 'is', null)
      .where('upload_tokens.expires_at', '>', sql<Date>`now()`)
      // Tokens of a deleted organisation are refused like revoked ones.
      .where('orgs.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new UnauthorizedError('Upload token is invalid, expired or revoked', 'invalid_token');
    await markTokenUsed(trx, 'upload_tokens', row.id);
    return { tokenId: row.id, orgId: row.org_id, repositoryId: row.repository_id };
  });
}
