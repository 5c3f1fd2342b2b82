/**
 * Looking up a repository of the current tenant by its `owner/repo` name.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
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
