/**
 * Looking up a repository: of the current tenant by its `owner/repo` name,
 * or across tenants for the queue consumers, only while Assay may call
 * GitHub for it.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';

/**
 * The installed (not removed) repository `owner/repo`, compared
 * case-insensitively as GitHub does; 404 when the tenant has no such
 * repository. Run it inside `withTenant`.
 */
export async function findRepositoryByName(
  trx: Transaction<Database>,
  target: { owner: string; repo: string },
) {
  const row = await trx
    .selectFrom('repositories')
    .select(['id', 'full_name', 'default_branch', 'github_id', 'installation_id'])
    .where(sql`lower(full_name)`, '=', `${target.owner}/${target.repo}`.toLowerCase())
    .where('renamed_at', 'is', null)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Repository ${target.owner}/${target.repo} not found`);
  return row;
}

/** A repository Assay may call GitHub for, as the queue consumers read it. */
export interface InstalledRepository {
  id: string;
  org_id: string;
  owner: string;
  name: string;
  full_name: string;
  installation_id: string;
}

/**
 * The repository with GitHub id `githubId` (or Assay id `id`) when Assay may
 * work on it — across tenants, for the queue consumers. Otherwise the reason
 * it may not, and no GitHub call should be made: the repository is unknown,
 * removed from its installation, or its installation is deleted or suspended
 * (GitHub refuses such tokens; a cached one must not be tried).
 */
export async function findInstalledRepository(
  db: Kysely<Database>,
  target: { githubId: number } | { id: string },
): Promise<{ repository: InstalledRepository } | { reason: string }> {
  const row = await withSystem(db, (trx) => {
    const query = trx
      .selectFrom('repositories')
      .innerJoin('installations', 'installations.id', 'repositories.installation_id')
      .select([
        'repositories.id',
        'repositories.org_id',
        'repositories.owner',
        'repositories.name',
        'repositories.full_name',
        'repositories.installation_id',
        'repositories.removed_at',
        'installations.deleted_at',
        'installations.suspended_at',
      ]);
    return 'githubId' in target
      ? query.where('repositories.github_id', '=', String(target.githubId)).executeTakeFirst()
      : query.where('repositories.id', '=', target.id).executeTakeFirst();
  });
  if (!row) return { reason: 'repository not installed' };
  if (row.deleted_at) return { reason: `installation ${row.installation_id} was deleted` };
  if (row.suspended_at) return { reason: `installation ${row.installation_id} is suspended` };
  if (row.removed_at) return { reason: 'repository not installed' };
  const { removed_at: _r, deleted_at: _d, suspended_at: _s, ...repository } = row;
  return { repository };
}
