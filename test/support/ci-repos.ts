import type { Kysely } from 'kysely';
import type { Database } from '../../shared/db/database.ts';
import { withSystem } from '../../shared/db/tenant.ts';

/** A seeded repository: Assay's id and GitHub's. */
export interface SeededRepo {
  id: string;
  githubId: number;
}

let githubIds = 900_000;

/** Inserts a repository of `installationId` (optionally already removed from the installation). */
export async function seedRepo(
  db: Kysely<Database>,
  orgId: string,
  installationId: number,
  owner: string,
  name: string,
  removed = false,
): Promise<SeededRepo> {
  const githubId = githubIds++;
  const row = await withSystem(db, (trx) =>
    trx
      .insertInto('repositories')
      .values({
        org_id: orgId,
        installation_id: installationId,
        github_id: githubId,
        owner,
        name,
        full_name: `${owner}/${name}`,
        private: false,
        default_branch: 'main',
        removed_at: removed ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return { id: row.id, githubId };
}

/** Inserts an installation of the App on `orgId` (suspended when asked). */
export async function seedInstallation(
  db: Kysely<Database>,
  id: number,
  orgId: string,
  suspended = false,
): Promise<void> {
  await withSystem(db, (trx) =>
    trx
      .insertInto('installations')
      .values({ id, org_id: orgId, ...(suspended ? { suspended_at: new Date() } : {}) })
      .execute(),
  );
}
