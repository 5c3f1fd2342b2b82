import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { queues } from '../queues/messages.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Issues of a repository (newest number first), with a summary of each checklist. */
export async function listIssues(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
  query: { state: 'open' | 'closed' | 'all'; cursor?: string; limit: number },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    let q = trx
      .selectFrom('issues')
      .leftJoin('checklists', (join) =>
        join
          .onRef('checklists.repository_id', '=', 'issues.repository_id')
          .onRef('checklists.issue_number', '=', 'issues.number'),
      )
      .select([
        'issues.number',
        'issues.title',
        'issues.state',
        'issues.html_url',
        'checklists.id as checklist_id',
        'checklists.current_version',
      ])
      .select((eb) => [
        eb
          .selectFrom('checklist_items')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('checklist_items.checklist_id', '=', 'checklists.id')
          .where('checklist_items.status', '=', 'active')
          .as('items'),
        eb
          .selectFrom('checklist_items')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('checklist_items.checklist_id', '=', 'checklists.id')
          .where('checklist_items.status', '=', 'active')
          .where('checklist_items.proven_at', 'is not', null)
          .as('proven'),
      ])
      .where('issues.repository_id', '=', repository.id)
      .where('issues.deleted_at', 'is', null)
      .orderBy('issues.number', 'desc')
      .limit(query.limit + 1);
    if (query.state !== 'all') q = q.where('issues.state', '=', query.state);
    if (query.cursor) q = q.where('issues.number', '<', Number(query.cursor));
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    return {
      issues: page.map((r) => ({
        number: r.number,
        title: r.title,
        state: r.state,
        htmlUrl: r.html_url,
        checklist:
          r.checklist_id && r.current_version
            ? { version: r.current_version, items: Number(r.items ?? 0), proven: Number(r.proven ?? 0) }
            : null,
      })),
      nextCursor: rows.length > query.limit ? String(page.at(-1)?.number) : null,
    };
  });
}

/** One issue with its checklist: active items (TID, text, source, latest status) and retired ones. */
export async function getIssueWithChecklist(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string; number: number },
) {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const issue = await trx
      .selectFrom('issues')
      .selectAll()
      .where('repository_id', '=', repository.id)
      .where('number', '=', target.number)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!issue) throw new NotFoundError(`Issue #${target.number} not found`);
    const checklist = await trx
      .selectFrom('checklists')
      .selectAll()
      .where('repository_id', '=', repository.id)
      .where('issue_number', '=', target.number)
      .executeTakeFirst();
    const items = checklist
      ? await trx
          .selectFrom('checklist_items')
          .selectAll()
          .where('checklist_id', '=', checklist.id)
          .orderBy('status')
          .orderBy('position')
          .execute()
      : [];
    return {
      number: issue.number,
      title: issue.title,
      state: issue.state,
      htmlUrl: issue.html_url,
      author: issue.author,
      checklist:
        checklist && checklist.current_version > 0
          ? {
              version: checklist.current_version,
              truncated: checklist.truncated,
              totalFound: checklist.total_found,
              usedLlm: checklist.used_llm,
              items: items
                .filter((i) => i.status === 'active')
                .map((i) => ({
                  tid: `T${i.tid}`,
                  text: i.text,
                  source: i.source,
                  // Until a test report proves an item on the default branch, no test carries it.
                  status: i.proven_at ? ('passed' as const) : ('missing' as const),
                  provenAt: iso(i.proven_at),
                  provenSha: i.proven_sha,
                })),
              retired: items
                .filter((i) => i.status === 'retired')
                .map((i) => ({ tid: `T${i.tid}`, text: i.text, retiredInVersion: i.retired_in_version })),
            }
          : null,
    };
  });
}

/** Queues a regeneration of an issue's checklist (audited) and returns the job id. */
export async function requestRegeneration(
  db: Kysely<Database>,
  publisher: QueuePublisher,
  orgId: string,
  actor: Actor,
  target: { owner: string; repo: string; number: number },
): Promise<{ jobId: string }> {
  const jobId = randomUUID();
  const repository = await withTenant(db, orgId, async (trx) => {
    const repo = await findRepositoryByName(trx, target);
    await recordAudit(trx, orgId, actor, {
      action: 'checklist.regenerate_requested',
      targetType: 'issue',
      targetId: `${repo.full_name}#${target.number}`,
      details: { jobId },
    });
    return repo;
  });
  await publisher.send(queues.checklist, {
    installationId: Number(repository.installation_id),
    repositoryGithubId: Number(repository.github_id),
    repoFullName: repository.full_name,
    issueNumber: target.number,
    reason: 'regenerate',
    jobId,
  });
  return { jobId };
}
