import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { pullPageUrl } from '../console/links.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { GitHubClient, RepoRef } from '../github/github-client.types.ts';
import { boundedList } from '../github/limits.ts';
import { upsertMarkedComment } from '../github/marked-comment.ts';
import type { ManifestMessage } from '../queues/messages.ts';
import { findInstalledRepository } from '../repositories/find-repository.ts';
import { upsertPullState } from '../webhooks/sync.repository.ts';
import { buildManifestEntries } from './build-manifest.ts';
import { latestCheckRun, upsertCheckRun } from './check-run.ts';
import { analyzeDiff } from './diff.ts';
import { parseLinkedIssues } from './links.ts';
import { type LinkView, MANIFEST_MARKER, moreText, renderManifestComment } from './manifest-comment.ts';

export interface ManifestDeps {
  db: Kysely<Database>;
  github: GitHubClient;
  webUrl: string;
  publicUrl?: string;
}

export interface ManifestOutcome {
  status: 'skipped' | 'built';
  headSha?: string;
  links: number;
  entries: number;
  comment: 'created' | 'updated' | 'unchanged' | 'none';
  check: 'created' | 'updated' | 'unchanged' | 'kept' | 'none';
  reason?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface ResolvedLink extends LinkView {
  checklistItems: { tid: number; text: string }[];
}

/** The installed repository `owner/repo` (or GitHub id) of an installation, if Assay sees it. */
function visibleRepository(
  db: Kysely<Database>,
  installationId: number,
  target: { fullName: string } | { githubId: string },
) {
  return withSystem(db, (trx) => {
    const query = trx
      .selectFrom('repositories')
      .select(['id', 'org_id', 'full_name'])
      .where('installation_id', '=', String(installationId))
      .where('removed_at', 'is', null);
    return 'fullName' in target
      ? query
          .where(sql`lower(full_name)`, '=', target.fullName.toLowerCase())
          .where('renamed_at', 'is', null)
          .executeTakeFirst()
      : query.where('github_id', '=', target.githubId).executeTakeFirst();
  });
}

/**
 * Finds each linked issue among the installation's repositories and reads its
 * active checklist items. An issue transferred to another repository is
 * followed there (`issues.transferred`): the pull request owes the new
 * issue's criteria when Assay sees its repository, and none otherwise.
 */
async function resolveLinks(
  db: Kysely<Database>,
  installationId: number,
  links: ReturnType<typeof parseLinkedIssues>,
): Promise<ResolvedLink[]> {
  const resolved: ResolvedLink[] = [];
  for (const link of links) {
    let repo = await visibleRepository(db, installationId, { fullName: `${link.owner}/${link.repo}` });
    let number = link.number;
    let transferredTo: string | undefined;
    if (repo) {
      const issue = await withTenant(db, repo.org_id, (trx) =>
        trx
          .selectFrom('issues')
          .select(['transferred_to', 'transferred_to_repository_github_id'])
          .where('repository_id', '=', repo!.id)
          .where('number', '=', link.number)
          .executeTakeFirst(),
      );
      const moved = /^(.+)#(\d+)$/.exec(issue?.transferred_to ?? '');
      if (moved && issue?.transferred_to_repository_github_id) {
        transferredTo = issue.transferred_to ?? undefined;
        number = Number(moved[2]);
        repo = await visibleRepository(db, installationId, {
          githubId: issue.transferred_to_repository_github_id,
        });
      }
    }
    if (!repo) {
      resolved.push({
        ...link,
        visible: false,
        items: 0,
        checklistItems: [],
        ...(transferredTo && { transferredTo }),
      });
      continue;
    }
    const items = await withTenant(db, repo.org_id, (trx) =>
      trx
        .selectFrom('checklist_items')
        .innerJoin('checklists', 'checklists.id', 'checklist_items.checklist_id')
        .select(['checklist_items.tid', 'checklist_items.text'])
        .where('checklists.repository_id', '=', repo.id)
        .where('checklists.issue_number', '=', number)
        .where('checklist_items.status', '=', 'active')
        .orderBy('checklist_items.position')
        .execute(),
    );
    const [owner = link.owner, name = link.repo] = transferredTo ? repo.full_name.split('/') : [];
    resolved.push({
      ...link,
      ...(transferredTo && {
        owner,
        repo: name,
        number,
        transferredFrom: `${link.owner}/${link.repo}#${link.number}`,
      }),
      visible: true,
      items: items.length,
      checklistItems: items,
    });
  }
  return resolved;
}

/** Criteria listed in the waiting check's summary; the rest are counted, with a link. */
const MAX_CHECK_ITEMS = 200;

function checkOutput(
  sha: string,
  links: readonly ResolvedLink[],
  entries: { tid: number; text: string }[],
  detailsUrl: string | undefined,
) {
  if (links.length === 0) {
    return {
      status: 'completed' as const,
      conclusion: 'neutral' as const,
      output: {
        title: 'No linked issue',
        summary: 'This pull request links no issue, so Assay expects no tests from it.',
      },
    };
  }
  const { shown, more } = boundedList(entries, MAX_CHECK_ITEMS);
  const list = shown.map((e) => `- **T${e.tid}** ${e.text.replace(/\s+/g, ' ').slice(0, 200)}`);
  if (more > 0) list.push(`- ${moreText(more, detailsUrl)}`);
  const summary = `Waiting for the test report of \`${sha.slice(0, 7)}\`. Expected: ${entries.length} criteria.\n\n${list.join('\n')}`;
  return { status: 'in_progress' as const, output: { title: 'Waiting for test report', summary } };
}

/**
 * Builds the test manifest of a pull request's current head: its linked
 * issues (closing keywords and branch name; cross-repository within the
 * installation; links Assay cannot see listed as such), the changed files'
 * analysis, and for each active criterion its relevance, suggested tests and
 * tagged tests already present. Stores it per (pull request, head SHA),
 * updates the one manifest comment in place, and opens or updates the `Assay`
 * check run of that SHA — earlier SHAs' checks are left as they were. Safe to
 * repeat: nothing is written to GitHub when nothing changed.
 */
export async function buildManifest(deps: ManifestDeps, message: ManifestMessage): Promise<ManifestOutcome> {
  const none = { links: 0, entries: 0, comment: 'none' as const, check: 'none' as const };
  const found = await findInstalledRepository(deps.db, { githubId: message.repositoryGithubId });
  if ('reason' in found) return { status: 'skipped', ...none, reason: found.reason };
  const { repository } = found;
  const ref: RepoRef = {
    installationId: message.installationId,
    owner: repository.owner,
    repo: repository.name,
  };
  const pull = await deps.github.getPull(ref, message.pullNumber);
  const target = { orgId: repository.org_id, repositoryId: repository.id };
  const links = parseLinkedIssues({
    title: pull.title,
    body: pull.body,
    headRef: pull.headRef,
    repoFullName: repository.full_name,
    webUrl: deps.webUrl,
  });
  const resolved = await resolveLinks(deps.db, message.installationId, links);
  const items = resolved.flatMap((l) =>
    l.checklistItems.map((i) => ({
      issue: { owner: l.owner, repo: l.repo, number: l.number },
      tid: i.tid,
      text: i.text,
    })),
  );
  const files = await deps.github.listPullFiles(ref, message.pullNumber);
  const analysis = analyzeDiff(files);
  const entries = buildManifestEntries(
    items,
    analysis,
    files.map((f) => f.filename),
  );
  const linkViews: LinkView[] = resolved.map(({ checklistItems: _, ...view }) => view);
  const detailsUrl = deps.publicUrl
    ? pullPageUrl(deps.publicUrl, repository.full_name, message.pullNumber)
    : undefined;
  const comment = renderManifestComment({
    repoFullName: repository.full_name,
    headSha: pull.headSha,
    links: linkViews,
    entries,
    detailsUrl,
  });
  const check = checkOutput(pull.headSha, resolved, items, detailsUrl);

  return withTenant(deps.db, target.orgId, async (trx) => {
    await upsertPullState(trx, target, {
      number: pull.number,
      title: pull.title,
      state: pull.state,
      merged: pull.merged,
      draft: pull.draft,
      author: pull.user,
      headSha: pull.headSha,
      headRef: pull.headRef,
      baseRef: pull.baseRef,
      htmlUrl: pull.htmlUrl,
      closedAt: null,
      mergedAt: null,
    });
    await trx
      .insertInto('pull_manifests')
      .values({
        ...{ org_id: target.orgId, repository_id: target.repositoryId },
        pull_number: pull.number,
        head_sha: pull.headSha,
        links: JSON.stringify(linkViews),
        entries: JSON.stringify(entries),
        files_changed: files.length,
      })
      .onConflict((oc) =>
        oc.columns(['repository_id', 'pull_number', 'head_sha']).doUpdateSet({
          links: JSON.stringify(linkViews),
          entries: JSON.stringify(entries),
          files_changed: files.length,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
    // The pull request's row is the lock that keeps one comment per pull request.
    const row = await trx
      .selectFrom('pull_requests')
      .select(['id', 'manifest_comment_id', 'manifest_comment_hash'])
      .where('repository_id', '=', target.repositoryId)
      .where('number', '=', pull.number)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let commentAction: ManifestOutcome['comment'] = 'unchanged';
    const hash = sha256(comment);
    if (row.manifest_comment_hash !== hash || row.manifest_comment_id === null) {
      const result = await upsertMarkedComment(deps.github, ref, pull.number, MANIFEST_MARKER, comment);
      commentAction = result.action;
      await trx
        .updateTable('pull_requests')
        .set({ manifest_comment_id: result.commentId, manifest_comment_hash: hash })
        .where('id', '=', row.id)
        .execute();
    }
    // A completed check of this SHA is replaced by a new one only when the manifest itself concluded it
    // (no linked issue) or concludes it now; a validation result stays until the next validation decides.
    const latest = await latestCheckRun(trx, target.repositoryId, pull.headSha);
    const manifestOwnsIt = check.status === 'completed' || latest?.conclusion === 'neutral';
    const checkResult = await upsertCheckRun(
      trx,
      deps.github,
      ref,
      { ...target, headSha: pull.headSha },
      {
        ...check,
        detailsUrl,
        externalId: `${repository.full_name}#${pull.number}@${pull.headSha}`,
      },
      { whenCompleted: manifestOwnsIt ? 'new' : 'keep' },
    );
    return {
      status: 'built',
      headSha: pull.headSha,
      links: links.length,
      entries: entries.length,
      comment: commentAction,
      check: checkResult.action,
    };
  });
}
