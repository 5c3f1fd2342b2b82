/**
 * Finding the repository a CI credential speaks for, across tenants (the
 * tenant is not known until the repository is found).
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';

/** A repository CI may upload for, with its organisation. */
export interface CiRepository {
  id: string;
  orgId: string;
  orgLogin: string;
  githubId: string;
  owner: string;
  name: string;
  fullName: string;
  /** False when the repository left its installation, or the installation is deleted or suspended. */
  installed: boolean;
}

type RepositoryRow = {
  id: string;
  org_id: string;
  org_login: string;
  github_id: string;
  owner: string;
  name: string;
  full_name: string;
  installed: boolean;
};

function toCiRepository(row: RepositoryRow): CiRepository {
  return {
    id: row.id,
    orgId: row.org_id,
    orgLogin: row.org_login,
    githubId: row.github_id,
    owner: row.owner,
    name: row.name,
    fullName: row.full_name,
    installed: row.installed,
  };
}

function repositoryQuery(db: Kysely<Database>) {
  return db
    .selectFrom('repositories')
    .innerJoin('orgs', 'orgs.id', 'repositories.org_id')
    .innerJoin('installations', 'installations.id', 'repositories.installation_id')
    .select([
      'repositories.id',
      'repositories.org_id',
      'orgs.login as org_login',
      'repositories.github_id',
      'repositories.owner',
      'repositories.name',
      'repositories.full_name',
      sql<boolean>`(repositories.removed_at is null and installations.deleted_at is null and installations.suspended_at is null and orgs.deleted_at is null)`.as(
        'installed',
      ),
    ]);
}

/**
 * The repository named `owner/name` (case-insensitive), preferring one still
 * installed when GitHub's name was reused; `undefined` when Assay never saw it.
 */
export async function findRepositoryByFullName(
  db: Kysely<Database>,
  fullName: string,
): Promise<CiRepository | undefined> {
  const row = await withSystem(db, (trx) =>
    repositoryQuery(trx)
      .where(sql`lower(repositories.full_name)`, '=', fullName.toLowerCase())
      .where('repositories.renamed_at', 'is', null)
      .orderBy(sql`repositories.removed_at is null`, 'desc')
      .orderBy('repositories.updated_at', 'desc')
      .executeTakeFirst(),
  );
  return row ? toCiRepository(row) : undefined;
}

/** The repository with Assay's id `id`, installed or not. */
export async function findRepositoryById(
  db: Kysely<Database>,
  id: string,
): Promise<CiRepository | undefined> {
  const row = await withSystem(db, (trx) =>
    repositoryQuery(trx).where('repositories.id', '=', id).executeTakeFirst(),
  );
  return row ? toCiRepository(row) : undefined;
}
