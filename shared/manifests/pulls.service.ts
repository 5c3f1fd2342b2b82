import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import { latestCheckRun } from './check-run.ts';

/** A pull request with its linked issues, the manifest of its current head, and that head's validation check. */
export async function getPullWithManifest(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; number: number },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const pull = await trx
      .selectFrom('pull_requests')
      .selectAll()
      .where('repository_id', '=', repository.id)
      .where('number', '=', target.number)
      .executeTakeFirst();
    if (!pull) throw new NotFoundError(`Pull request #${target.number} not found`);
    const manifest = await trx
      .selectFrom('pull_manifests')
      .selectAll()
      .where('repository_id', '=', repository.id)
      .where('pull_number', '=', target.number)
      .where('head_sha', '=', pull.head_sha)
      .executeTakeFirst();
    const check = await latestCheckRun(trx, repository.id, pull.head_sha);
    return {
      number: pull.number,
      title: pull.title,
      state: pull.state,
      merged: pull.merged,
      headSha: pull.head_sha,
      headRef: pull.head_ref,
      baseRef: pull.base_ref,
      htmlUrl: pull.html_url,
      linkedIssues: (manifest?.links ?? []) as {
        owner: string;
        repo: string;
        number: number;
        visible: boolean;
        items: number;
      }[],
      manifest: manifest
        ? {
            headSha: manifest.head_sha,
            filesChanged: manifest.files_changed,
            createdAt: manifest.created_at.toISOString(),
            entries: manifest.entries as Record<string, unknown>[],
          }
        : null,
      validation: check
        ? {
            headSha: check.head_sha,
            status: check.status,
            conclusion: check.conclusion,
            checkRunId: check.github_id === null ? null : Number(check.github_id),
          }
        : null,
    };
  });
}
