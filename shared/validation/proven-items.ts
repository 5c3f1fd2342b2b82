import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';

/**
 * When a pull request merges into the default branch, the criteria its head
 * SHA proved (status passed in that SHA's validation) are proven on the
 * default branch: their `proven_at` is set. Returns the issues whose
 * checklist comment must be re-rendered with the ticked boxes.
 */
export async function markProvenOnMerge(
  db: Kysely<Database>,
  target: { orgId: string; repositoryId: string; headSha: string },
): Promise<
  { repositoryGithubId: number; installationId: number; repoFullName: string; issueNumber: number }[]
> {
  return withTenant(db, target.orgId, async (trx) => {
    const validation = await trx
      .selectFrom('validations')
      .select('items')
      .where('repository_id', '=', target.repositoryId)
      .where('head_sha', '=', target.headSha)
      .executeTakeFirst();
    const passed = (
      (validation?.items ?? []) as { tid: number; status: string; issue: { owner: string; repo: string } }[]
    ).filter((i) => i.status === 'passed');
    const touched = new Map<
      string,
      { repositoryGithubId: number; installationId: number; repoFullName: string; issueNumber: number }
    >();
    for (const item of passed) {
      const rows = await trx
        .updateTable('checklist_items')
        .set({ proven_at: sql<Date>`now()`, proven_sha: target.headSha, updated_at: sql<Date>`now()` })
        .from('repositories')
        .whereRef('repositories.id', '=', 'checklist_items.repository_id')
        .where(
          sql`lower(repositories.full_name)`,
          '=',
          `${item.issue.owner}/${item.issue.repo}`.toLowerCase(),
        )
        .where('repositories.renamed_at', 'is', null)
        .where('checklist_items.tid', '=', item.tid)
        .where('checklist_items.proven_at', 'is', null)
        .returning([
          'checklist_items.checklist_id',
          'repositories.github_id',
          'repositories.installation_id',
          'repositories.full_name',
        ])
        .execute();
      for (const row of rows) {
        const checklist = await trx
          .selectFrom('checklists')
          .select('issue_number')
          .where('id', '=', row.checklist_id)
          .executeTakeFirstOrThrow();
        touched.set(`${row.full_name}#${checklist.issue_number}`, {
          repositoryGithubId: Number(row.github_id),
          installationId: Number(row.installation_id),
          repoFullName: row.full_name,
          issueNumber: checklist.issue_number,
        });
      }
    }
    return [...touched.values()];
  });
}
