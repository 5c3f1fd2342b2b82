import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { findInstalledRepository } from '../repositories/find-repository.ts';
import { type ValidateDeps, type ValidationOutcome, validateHeadSha } from './validate.service.ts';

/** Validates a head SHA of a repository given by its id (as stored) or its GitHub id. */
export async function validateRepositorySha(
  deps: ValidateDeps & { db: Kysely<Database> },
  target: ({ repositoryId: string } | { repositoryGithubId: number }) & {
    headSha: string;
    onlyIfReports?: boolean;
  },
): Promise<ValidationOutcome | undefined> {
  const found = await findInstalledRepository(
    deps.db,
    'repositoryId' in target ? { id: target.repositoryId } : { githubId: target.repositoryGithubId },
  );
  if ('reason' in found) return undefined;
  const { repository } = found;
  return validateHeadSha(deps, {
    orgId: repository.org_id,
    repositoryId: repository.id,
    headSha: target.headSha,
    ref: {
      installationId: Number(repository.installation_id),
      owner: repository.owner,
      repo: repository.name,
    },
    onlyIfReports: target.onlyIfReports,
  });
}
