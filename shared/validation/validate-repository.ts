import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { type ValidateDeps, type ValidationOutcome, validateHeadSha } from './validate.service.ts';

/** Validates a head SHA of a repository given by its id (as stored) or its GitHub id. */
export async function validateRepositorySha(
  deps: ValidateDeps & { db: Kysely<Database> },
  target: ({ repositoryId: string } | { repositoryGithubId: number }) & {
    headSha: string;
    noReportReason?: string;
    onlyIfReports?: boolean;
  },
): Promise<ValidationOutcome | undefined> {
  const repository = await withSystem(deps.db, (trx) => {
    const q = trx
      .selectFrom('repositories')
      .select(['id', 'org_id', 'owner', 'name', 'installation_id', 'removed_at']);
    return 'repositoryId' in target
      ? q.where('id', '=', target.repositoryId).executeTakeFirst()
      : q.where('github_id', '=', String(target.repositoryGithubId)).executeTakeFirst();
  });
  if (!repository || repository.removed_at) return undefined;
  return validateHeadSha(deps, {
    orgId: repository.org_id,
    repositoryId: repository.id,
    headSha: target.headSha,
    ref: {
      installationId: Number(repository.installation_id),
      owner: repository.owner,
      repo: repository.name,
    },
    noReportReason: target.noReportReason,
    onlyIfReports: target.onlyIfReports,
  });
}
