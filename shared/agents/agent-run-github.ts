/**
 * Agent-run approvals where the team works (issue 18): when a run started
 * from a repository's issues waits for approval, one marked comment on its
 * first issue says what waits (stage, artifact counts, links) and how to
 * answer; `/assay approve` or `/assay reject <reason>` from a user with write
 * access (checked by the webhook intake) decides the pending approval through
 * the same {@link decideApproval} as the API. A redelivered command finds the
 * approval decided and changes nothing.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { ConflictError } from '../errors.ts';
import type { GitHubClient } from '../github/github-client.types.ts';
import { upsertMarkedComment } from '../github/marked-comment.ts';
import { type ApprovalDeps, type ApprovalListener, decideApproval } from './agent-run-approvals.service.ts';
import { runLink } from './agent-runs.service.ts';

/** The marker of a run's approval comment: one comment per run, updated for each stage. */
export function approvalCommentMarker(runId: string): string {
  return `<!-- assay:agent-run:${runId} -->`;
}

const STAGE_TITLES = { analyst: 'requirements (analyst)', qa: 'test cases (QA engineer)' } as const;

/** The comment's text for a pending approval. */
export function approvalCommentBody(input: {
  runId: string;
  stage: 'analyst' | 'qa';
  artifacts: readonly { kind: string; count: number }[];
  runUrl: string;
}): string {
  const counts = input.artifacts.map((a) => `${a.count} ${a.kind}`).join(', ') || 'no artifacts';
  return [
    `### Assay agent run awaits approval: ${STAGE_TITLES[input.stage]}`,
    '',
    `The agents finished the **${input.stage}** stage of run \`${input.runId}\` (${counts}).`,
    '',
    `**[Review the ${input.stage === 'analyst' ? 'requirements' : 'test cases'} in Assay](${input.runUrl})**: read them as documents, then Approve, Edit (with a diff before sending) or Reject.`,
    '',
    'Or comment `/assay approve` to continue, or `/assay reject <reason>` to stop the run (write access needed).',
  ].join('\n');
}

/**
 * The listener the approval step calls once a stage waits: the marked
 * comment on the run's first issue (runs without issues have none).
 */
export function githubApprovalNotice(deps: {
  db: Kysely<Database>;
  github: () => GitHubClient;
  publicUrl: string | undefined;
}): ApprovalListener {
  return async ({ run, approval, artifacts }) => {
    const first = run.issues[0];
    if (!run.repository_id || first === undefined) return;
    const repositoryId = run.repository_id;
    const found = await withTenant(deps.db, run.org_id, async (trx) => {
      const repository = await trx
        .selectFrom('repositories')
        .select(['owner', 'name', 'installation_id'])
        .where('id', '=', repositoryId)
        .executeTakeFirst();
      const org = await trx
        .selectFrom('orgs')
        .select('login')
        .where('id', '=', run.org_id)
        .executeTakeFirst();
      return repository && org ? { repository, login: org.login } : undefined;
    });
    if (!found) return;
    const { repository } = found;
    const ref = {
      installationId: Number(repository.installation_id),
      owner: repository.owner,
      repo: repository.name,
    };
    const body = approvalCommentBody({
      runId: run.id,
      stage: approval.stage,
      artifacts,
      runUrl: runLink(deps.publicUrl, found.login, run.id),
    });
    const { commentId } = await upsertMarkedComment(
      deps.github(),
      ref,
      first,
      approvalCommentMarker(run.id),
      body,
    );
    await withTenant(deps.db, run.org_id, (trx) =>
      trx
        .updateTable('agent_run_approvals')
        .set({ github_comment_id: commentId })
        .where('id', '=', approval.id)
        .execute(),
    );
  };
}

/** The comment's text once the waiting is over: each stage's decision and, when it ended, the run's outcome. */
export function decidedCommentBody(input: {
  runId: string;
  status: string;
  error: string | null;
  approvals: readonly { stage: 'analyst' | 'qa'; status: string; decidedBy: string | null }[];
  runUrl: string;
}): string {
  const stages = input.approvals.map(
    (a) => `- ${STAGE_TITLES[a.stage]}: **${a.status}**${a.decidedBy ? ` by ${a.decidedBy}` : ''}`,
  );
  const pending = input.approvals.find((a) => a.status === 'pending');
  const head = pending
    ? `### Assay agent run awaits approval: ${STAGE_TITLES[pending.stage]}`
    : ['running'].includes(input.status)
      ? '### Assay agent run: running'
      : `### Assay agent run ${input.status.replace('_', ' ')}`;
  return [
    head,
    '',
    `Run \`${input.runId}\`${input.error ? `: ${input.error}` : ''}`,
    '',
    ...stages,
    '',
    `- Run: ${input.runUrl}`,
    ...(pending
      ? [
          '',
          'Comment `/assay approve` to continue, or `/assay reject <reason>` to stop the run (write access needed).',
        ]
      : []),
  ].join('\n');
}

/**
 * Edits the run's marked approval comment in place (never a new one) to say
 * how each stage was decided and how the run ended; a run without such a
 * comment is left alone. Failures are logged, never fatal.
 */
export function githubRunCommentSync(deps: {
  db: Kysely<Database>;
  github: () => GitHubClient;
  publicUrl: string | undefined;
}): (orgId: string, runId: string) => Promise<void> {
  return async (orgId, runId) => {
    try {
      const found = await withTenant(deps.db, orgId, async (trx) => {
        const run = await trx.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
        if (!run?.repository_id || run.issues[0] === undefined) return undefined;
        const approvals = await trx
          .selectFrom('agent_run_approvals')
          .select(['stage', 'status', 'decided_by_login', 'github_comment_id'])
          .where('run_id', '=', runId)
          .orderBy('created_at')
          .execute();
        if (!approvals.some((a) => a.github_comment_id !== null)) return undefined;
        const repository = await trx
          .selectFrom('repositories')
          .select(['owner', 'name', 'installation_id'])
          .where('id', '=', run.repository_id)
          .executeTakeFirst();
        const org = await trx.selectFrom('orgs').select('login').where('id', '=', orgId).executeTakeFirst();
        return repository && org ? { run, approvals, repository, login: org.login } : undefined;
      });
      if (!found) return;
      const { run, repository } = found;
      await upsertMarkedComment(
        deps.github(),
        {
          installationId: Number(repository.installation_id),
          owner: repository.owner,
          repo: repository.name,
        },
        run.issues[0] as number,
        approvalCommentMarker(run.id),
        decidedCommentBody({
          runId: run.id,
          status: run.status,
          error: run.error,
          approvals: found.approvals.map((a) => ({
            stage: a.stage,
            status: a.status,
            decidedBy: a.decided_by_login,
          })),
          runUrl: runLink(deps.publicUrl, found.login, run.id),
        }),
      );
    } catch (error) {
      console.warn(`[agent-runs] updating the approval comment of run ${runId} failed: ${String(error)}`);
    }
  };
}

/**
 * Decides, for `/assay approve|reject` commented on an issue, the pending
 * approval of the newest agent run whose first issue it is. The intake has
 * checked the commenter's write access. Returns the delivery's outcome text.
 */
export async function decideFromGitHubComment(
  deps: ApprovalDeps,
  command: {
    repositoryGithubId: number;
    issueNumber: number;
    decision: 'approve' | 'reject';
    reason: string;
    commenter: string;
  },
): Promise<string> {
  const repository = await withSystem(deps.db, (trx) =>
    trx
      .selectFrom('repositories')
      .select(['id', 'org_id', 'full_name'])
      .where('github_id', '=', String(command.repositoryGithubId))
      .where('removed_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!repository) return `/assay ${command.decision}: repository unknown`;
  const pending = await withTenant(deps.db, repository.org_id, (trx) =>
    trx
      .selectFrom('agent_run_approvals as a')
      .innerJoin('agent_runs as r', 'r.id', 'a.run_id')
      .select(['a.id as approvalId', 'r.id as runId'])
      .where('r.repository_id', '=', repository.id)
      .where(sql<boolean>`r.issues ->> 0 = ${String(command.issueNumber)}`)
      .where('a.status', '=', 'pending')
      .orderBy('r.created_at', 'desc')
      .executeTakeFirst(),
  );
  if (!pending) return `/assay ${command.decision}: no agent run awaits approval on #${command.issueNumber}`;
  const actor: Actor = { type: 'github', id: null, login: command.commenter, ip: null, userAgent: null };
  try {
    await decideApproval(
      deps,
      repository.org_id,
      actor,
      pending.runId,
      pending.approvalId,
      { decision: command.decision, ...(command.reason ? { comment: command.reason } : {}) },
      'github',
    );
  } catch (error) {
    if (error instanceof ConflictError) return `/assay ${command.decision}: ${error.message}`;
    throw error;
  }
  return `/assay ${command.decision}: run ${pending.runId} ${command.decision === 'approve' ? 'approved' : 'rejected'} by ${command.commenter}`;
}
