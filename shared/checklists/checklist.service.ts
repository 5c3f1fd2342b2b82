import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, ItemSource } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import type { GitHubClient, RepoRef } from '../github/github-client.types.ts';
import { upsertMarkedComment } from '../github/marked-comment.ts';
import type { ChecklistMessage } from '../queues/messages.ts';
import { findInstalledRepository } from '../repositories/find-repository.ts';
import { upsertIssueState } from '../webhooks/sync.repository.ts';
import { CHECKLIST_MARKER, renderChecklistComment } from './checklist-comment.ts';
import { extractCriteria } from './extract/index.ts';
import { matchItems } from './similarity/index.ts';
import { allocateTids } from './tid-allocator.ts';

export interface CriterionItem {
  text: string;
  source: ItemSource;
}

/** Optional second pass (an LLM) over the extracted items; must keep every author-written item. */
export type Refiner = (input: {
  title: string;
  body: string;
  extracted: { text: string; source: Exclude<ItemSource, 'llm'> }[];
}) => Promise<{ items: CriterionItem[]; usedLlm: boolean }>;

export interface ChecklistDeps {
  db: Kysely<Database>;
  github: GitHubClient;
  refine?: Refiner;
}

export interface ChecklistOutcome {
  status: 'skipped' | 'unchanged' | 'updated';
  version: number;
  comment: 'created' | 'updated' | 'unchanged' | 'none';
  reason?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Trx = Transaction<Database>;

async function lockChecklist(trx: Trx, target: { orgId: string; repositoryId: string }, issueNumber: number) {
  await trx
    .insertInto('checklists')
    .values({ org_id: target.orgId, repository_id: target.repositoryId, issue_number: issueNumber })
    .onConflict((oc) => oc.columns(['repository_id', 'issue_number']).doNothing())
    .execute();
  return trx
    .selectFrom('checklists')
    .selectAll()
    .where('repository_id', '=', target.repositoryId)
    .where('issue_number', '=', issueNumber)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

function sameList(
  previous: readonly { text: string; source: string }[],
  next: readonly CriterionItem[],
): boolean {
  return (
    previous.length === next.length &&
    previous.every((p, i) => p.text === next[i]?.text && p.source === next[i]?.source)
  );
}

/**
 * Applies a new list of criteria to an issue's checklist, inside the caller's
 * (locked) transaction: items matched to the previous version — exactly, then
 * by text similarity — keep their TID; new items get fresh TIDs; vanished
 * items are retired. A list equal to the current one makes no new version.
 * Returns the version in force.
 */
async function applyItems(
  trx: Trx,
  target: { orgId: string; repositoryId: string },
  checklist: { id: string; current_version: number },
  next: readonly CriterionItem[],
  reason: string,
  bodyHash: string,
): Promise<{ version: number; changed: boolean }> {
  const previous = await trx
    .selectFrom('checklist_items')
    .select(['id', 'tid', 'text', 'source'])
    .where('checklist_id', '=', checklist.id)
    .where('status', '=', 'active')
    .orderBy('position')
    .execute();
  if (checklist.current_version > 0 && sameList(previous, next)) {
    return { version: checklist.current_version, changed: false };
  }
  const version = checklist.current_version + 1;
  const matches = matchItems(
    previous.map((p) => ({ tid: String(p.tid), text: p.text })),
    next.map((n) => n.text),
  );
  const fresh = await allocateTids(trx, target, matches.filter((m) => m.tid === null).length);
  const kept = new Set<number>();
  let freshIndex = 0;
  const versionItems: { tid: number; text: string; source: ItemSource }[] = [];
  for (const [position, item] of next.entries()) {
    const match = matches[position];
    if (match?.tid) {
      const tid = Number(match.tid);
      kept.add(tid);
      await trx
        .updateTable('checklist_items')
        .set({ text: item.text, source: item.source, position, updated_at: sql<Date>`now()` })
        .where('checklist_id', '=', checklist.id)
        .where('tid', '=', tid)
        .execute();
      versionItems.push({ tid, text: item.text, source: item.source });
    } else {
      const tid = fresh[freshIndex++] as number;
      await trx
        .insertInto('checklist_items')
        .values({
          org_id: target.orgId,
          repository_id: target.repositoryId,
          checklist_id: checklist.id,
          tid,
          text: item.text,
          source: item.source,
          position,
          status: 'active',
          first_version: version,
        })
        .execute();
      versionItems.push({ tid, text: item.text, source: item.source });
    }
  }
  const retired = previous.filter((p) => !kept.has(p.tid)).map((p) => p.tid);
  if (retired.length > 0) {
    await trx
      .updateTable('checklist_items')
      .set({ status: 'retired', retired_in_version: version, updated_at: sql<Date>`now()` })
      .where('checklist_id', '=', checklist.id)
      .where('tid', 'in', retired)
      .execute();
  }
  await trx
    .insertInto('checklist_versions')
    .values({
      org_id: target.orgId,
      checklist_id: checklist.id,
      version,
      body_hash: bodyHash,
      reason,
      items: JSON.stringify(versionItems),
    })
    .execute();
  return { version, changed: true };
}

/**
 * (Re)generates one issue's checklist: reads the issue from GitHub, extracts
 * (and optionally refines) its criteria, keeps TIDs stable across edits,
 * stores a version when the list changed, and creates or updates the single
 * checklist comment — writing to GitHub only when the comment's text changes.
 * The whole update runs under a lock on the issue's checklist, so concurrent
 * edits are applied one after the other. Processing the same body twice
 * changes nothing.
 */
export async function generateChecklist(
  deps: ChecklistDeps,
  message: ChecklistMessage,
): Promise<ChecklistOutcome> {
  const found = await findInstalledRepository(deps.db, { githubId: message.repositoryGithubId });
  if ('reason' in found) return { status: 'skipped', version: 0, comment: 'none', reason: found.reason };
  const { repository } = found;
  const ref: RepoRef = {
    installationId: message.installationId,
    owner: repository.owner,
    repo: repository.name,
  };
  const issue = await deps.github.getIssue(ref, message.issueNumber);
  if (issue.isPullRequest)
    return { status: 'skipped', version: 0, comment: 'none', reason: 'a pull request' };
  const body = issue.body ?? '';
  const bodyHash = sha256(`${issue.title}\n${body}`);
  const target = { orgId: repository.org_id, repositoryId: repository.id };

  const current = await withTenant(deps.db, target.orgId, (trx) =>
    trx
      .selectFrom('checklists')
      .select(['body_hash', 'current_version'])
      .where('repository_id', '=', target.repositoryId)
      .where('issue_number', '=', message.issueNumber)
      .executeTakeFirst(),
  );
  const bodyUnchanged = current?.body_hash === bodyHash && message.reason !== 'regenerate';
  let next: CriterionItem[] = [];
  let info = { truncated: false, totalFound: 0, usedLlm: false };
  if (!bodyUnchanged) {
    const extracted = extractCriteria({ title: issue.title, body });
    const authored = extracted.items.map((item) => ({ text: item.text, source: item.source }));
    next = authored;
    info = { truncated: extracted.truncated, totalFound: extracted.totalFound, usedLlm: false };
    if (deps.refine && authored.length > 0) {
      const refined = await deps.refine({ title: issue.title, body, extracted: authored });
      next = refined.items;
      info.usedLlm = refined.usedLlm;
    }
  }

  return withTenant(deps.db, target.orgId, async (trx) => {
    await upsertIssueState(
      trx,
      target,
      {
        number: issue.number,
        title: issue.title,
        state: issue.state,
        author: issue.user,
        htmlUrl: issue.htmlUrl,
      },
      false,
    );
    const checklist = await lockChecklist(trx, target, message.issueNumber);
    let version = checklist.current_version;
    let changed = false;
    if ((!bodyUnchanged && checklist.body_hash !== bodyHash) || message.reason === 'regenerate') {
      const applied = await applyItems(trx, target, checklist, next, message.reason, bodyHash);
      version = applied.version;
      changed = applied.changed;
      await trx
        .updateTable('checklists')
        .set({
          current_version: version,
          body_hash: bodyHash,
          truncated: info.truncated,
          total_found: info.totalFound,
          used_llm: info.usedLlm,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', checklist.id)
        .execute();
    }
    const comment = await syncComment(trx, deps.github, ref, message.issueNumber, checklist.id);
    return { status: changed ? 'updated' : 'unchanged', version, comment };
  });
}

/**
 * Brings the issue's checklist comment in line with the active items, writing
 * to GitHub only when the rendered text differs from what was last written.
 * No comment is posted for an issue that never had criteria.
 */
export async function syncComment(
  trx: Trx,
  github: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  checklistId: string,
): Promise<ChecklistOutcome['comment']> {
  const checklist = await trx
    .selectFrom('checklists')
    .select(['comment_id', 'comment_hash', 'truncated', 'total_found'])
    .where('id', '=', checklistId)
    .executeTakeFirstOrThrow();
  const items = await trx
    .selectFrom('checklist_items')
    .select(['tid', 'text', 'proven_at'])
    .where('checklist_id', '=', checklistId)
    .where('status', '=', 'active')
    .orderBy('position')
    .execute();
  if (items.length === 0 && checklist.comment_id === null) return 'none';
  const text = renderChecklistComment(
    items.map((i) => ({ tid: i.tid, text: i.text, proven: i.proven_at !== null })),
    { truncated: checklist.truncated, totalFound: checklist.total_found },
  );
  const hash = sha256(text);
  if (checklist.comment_hash === hash && checklist.comment_id !== null) return 'unchanged';
  const result = await upsertMarkedComment(github, ref, issueNumber, CHECKLIST_MARKER, text);
  await trx
    .updateTable('checklists')
    .set({ comment_id: result.commentId, comment_hash: hash })
    .where('id', '=', checklistId)
    .execute();
  return result.action;
}
