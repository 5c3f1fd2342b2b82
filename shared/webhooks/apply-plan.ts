import type { Kysely } from 'kysely';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { trustHeadSha } from '../ci/fork-trust.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { RepositoryPermission } from '../github/github-client.types.ts';
import { artifactsMessageSchema, queues } from '../queues/messages.ts';
import { findInstalledRepository } from '../repositories/find-repository.ts';
import { markProvenOnMerge } from '../validation/proven-items.ts';
import type { IssueTransfer, Repository } from './payload-parts.ts';
import type { Plan } from './plan.ts';
import {
  findRepository,
  markRepositoriesRemoved,
  moveRepositoryData,
  renameInstallationOwner,
  setInstallationState,
  upsertInstallation,
  upsertIssueState,
  upsertOrg,
  upsertPullState,
  upsertRepositories,
  upsertWorkflowRun,
} from './sync.repository.ts';

export interface ApplyDeps {
  db: Kysely<Database>;
  publisher: QueuePublisher;
  /** The commenter's permission on the repository; undefined when GitHub cannot be asked. */
  permissionOf: (
    ref: { installationId: number; owner: string; repo: string },
    username: string,
  ) => Promise<RepositoryPermission | undefined>;
  /** Drops the cached GitHub token of an installation (deleted or suspended: GitHub refuses it). */
  forgetInstallation?: (installationId: number) => void;
  /**
   * `/assay approve` / `/assay reject <reason>` on an issue: decides the pending approval of the
   * agent run started from it (`shared/agents/agent-run-github.ts`); returns the delivery's outcome.
   */
  decideAgentApproval?: (command: {
    repositoryGithubId: number;
    issueNumber: number;
    decision: 'approve' | 'reject';
    reason: string;
    commenter: string;
  }) => Promise<string>;
}

export interface Applied {
  status: 'processed' | 'ignored';
  outcome: string;
}

const WRITE = new Set<RepositoryPermission>(['admin', 'maintain', 'write']);

/**
 * Ensures org, installation and repository rows exist for a repository-scoped
 * event, with the repository's current name and owner (a rename or transfer
 * updates `full_name`); returns their ids. A repository that moved to another
 * organisation takes its data along.
 */
async function ensureRepository(db: Kysely<Database>, installationId: number, repository: Repository) {
  return withSystem(db, async (trx) => {
    const orgId = await upsertOrg(trx, repository.owner);
    await upsertInstallation(trx, orgId, { id: installationId });
    const before = await findRepository(trx, repository.id);
    await upsertRepositories(trx, orgId, installationId, repository.owner.login, [repository]);
    if (before && before.org_id !== orgId) await moveRepositoryData(trx, before.id, orgId);
    const row = await trx
      .selectFrom('repositories')
      .select('id')
      .where('github_id', '=', String(repository.id))
      .executeTakeFirstOrThrow();
    return { orgId, repositoryId: row.id };
  });
}

function target(installationId: number, repository: Repository) {
  return { installationId, repositoryGithubId: repository.id, repoFullName: repository.full_name };
}

/**
 * Why events of an installation are not acted on, or undefined when they
 * are: a deleted installation stays deleted (its repositories stay removed,
 * whatever arrives late), a suspended one waits for `unsuspend`.
 */
async function installationBlocked(
  db: Kysely<Database>,
  installationId: number,
): Promise<string | undefined> {
  const row = await withSystem(db, (trx) =>
    trx
      .selectFrom('installations')
      .select(['deleted_at', 'suspended_at'])
      .where('id', '=', String(installationId))
      .executeTakeFirst(),
  );
  if (row?.deleted_at) return `installation ${installationId} was deleted`;
  if (row?.suspended_at) return `installation ${installationId} is suspended`;
  return undefined;
}

/** Installation actions that change its lifecycle; any other event of a blocked installation is ignored. */
const LIFECYCLE = new Set(['created', 'deleted', 'suspend', 'unsuspend']);

async function applyInstallation(
  deps: ApplyDeps,
  plan: Extract<Plan, { kind: 'installation' }>,
): Promise<Applied> {
  const { installation } = plan;
  if (!LIFECYCLE.has(plan.action)) {
    const blocked = await installationBlocked(deps.db, installation.id);
    if (blocked) return { status: 'ignored', outcome: `installation ${plan.action}: ${blocked}` };
  }
  // GitHub refuses the tokens of a deleted or suspended installation: none may be tried again.
  if (plan.action === 'deleted' || plan.action === 'suspend') deps.forgetInstallation?.(installation.id);
  await withSystem(deps.db, async (trx) => {
    const orgId = await upsertOrg(trx, installation.account);
    await upsertInstallation(trx, orgId, installation);
    switch (plan.action) {
      case 'deleted':
        await setInstallationState(trx, installation.id, { deleted: true });
        await markRepositoriesRemoved(trx, { installationId: installation.id });
        return;
      case 'suspend':
        await setInstallationState(trx, installation.id, { suspended: true });
        return;
      case 'unsuspend':
        await setInstallationState(trx, installation.id, { suspended: false });
        return;
      case 'created':
        await setInstallationState(trx, installation.id, { deleted: false, suspended: false });
        break;
      case 'renamed':
        // The organisation's login was updated above (by account id); its repositories follow.
        await renameInstallationOwner(trx, installation.id, installation.account.login);
        return;
    }
    await upsertRepositories(trx, orgId, installation.id, installation.account.login, plan.repositories);
    await markRepositoriesRemoved(trx, { githubIds: plan.removed.map((r) => r.id) });
  });
  const renamed =
    plan.action === 'renamed' ? ` (${plan.previousLogin ?? '?'} → ${installation.account.login})` : '';
  return { status: 'processed', outcome: `installation ${plan.action}${renamed}` };
}

/**
 * `issues.transferred`: the old issue is marked transferred (above), so a pull
 * request that still says `Fixes #5` owes the new issue's criteria, not the
 * old ones; when the new repository is installed and active, its checklist is
 * generated now.
 */
async function applyIssueTransfer(
  deps: ApplyDeps,
  transfer: IssueTransfer,
  deliveryId: string,
): Promise<Applied> {
  const to = `${transfer.repository.full_name}#${transfer.number}`;
  const found = await findInstalledRepository(deps.db, { githubId: transfer.repository.id });
  if ('reason' in found)
    return { status: 'processed', outcome: `issue transferred to ${to} (${found.reason})` };
  await deps.publisher.send(queues.checklist, {
    installationId: Number(found.repository.installation_id),
    repositoryGithubId: transfer.repository.id,
    repoFullName: found.repository.full_name,
    issueNumber: transfer.number,
    reason: 'opened',
    deliveryId,
  });
  return { status: 'processed', outcome: `issue transferred to ${to}: checklist queued` };
}

async function applyCommand(deps: ApplyDeps, plan: Extract<Plan, { kind: 'command' }>): Promise<Applied> {
  const [owner = '', repo = ''] = plan.repository.full_name.split('/');
  const permission = await deps.permissionOf(
    { installationId: plan.installationId, owner, repo },
    plan.commenter,
  );
  if (permission === undefined)
    return { status: 'ignored', outcome: `/assay ${plan.command}: GitHub App not configured` };
  if (!WRITE.has(permission)) {
    return { status: 'ignored', outcome: `/assay ${plan.command} by ${plan.commenter} without write access` };
  }
  if (plan.command === 'approve' || plan.command === 'reject') {
    if (!deps.decideAgentApproval)
      return { status: 'ignored', outcome: `/assay ${plan.command}: agent approvals are not wired here` };
    const outcome = await deps.decideAgentApproval({
      repositoryGithubId: plan.repository.id,
      issueNumber: plan.number,
      decision: plan.command,
      reason: plan.argument,
      commenter: plan.commenter,
    });
    return { status: 'processed', outcome };
  }
  if (plan.command === 'trust') return applyTrust(deps, plan);
  await ensureRepository(deps.db, plan.installationId, plan.repository);
  const base = target(plan.installationId, plan.repository);
  if (plan.command === 'regenerate') {
    await deps.publisher.send(queues.checklist, { ...base, issueNumber: plan.number, reason: 'regenerate' });
  } else {
    await deps.publisher.send(queues.manifest, { ...base, pullNumber: plan.number, reason: 'revalidate' });
  }
  return { status: 'processed', outcome: `/assay ${plan.command} queued` };
}

/**
 * `/assay trust [sha]` by a person with write access on a pull request: its
 * current head SHA (which `sha`, when given, must start) is trusted — the
 * reports Assay pulled from the fork's artifacts for it may now prove
 * criteria — audited as `fork_sha.trusted`, and the SHA is revalidated.
 */
async function applyTrust(deps: ApplyDeps, plan: Extract<Plan, { kind: 'command' }>): Promise<Applied> {
  const ids = await ensureRepository(deps.db, plan.installationId, plan.repository);
  const pull = await withTenant(deps.db, ids.orgId, (trx) =>
    trx
      .selectFrom('pull_requests')
      .select(['head_sha', 'state'])
      .where('repository_id', '=', ids.repositoryId)
      .where('number', '=', plan.number)
      .executeTakeFirst(),
  );
  if (!pull)
    return { status: 'ignored', outcome: `/assay trust: pull request #${plan.number} is not known yet` };
  const headSha = pull.head_sha.toLowerCase();
  const wanted = plan.argument.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (wanted !== '' && (!/^[0-9a-f]{7,40}$/.test(wanted) || !headSha.startsWith(wanted)))
    return {
      status: 'ignored',
      outcome: `/assay trust ${wanted.slice(0, 40)}: not the head of #${plan.number} (${headSha.slice(0, 7)})`,
    };
  const trusted = await withTenant(deps.db, ids.orgId, (trx) =>
    trustHeadSha(
      trx,
      {
        orgId: ids.orgId,
        repositoryId: ids.repositoryId,
        repository: plan.repository.full_name,
        headSha,
        pullNumber: plan.number,
      },
      {
        login: plan.commenter,
        via: 'command',
        actor: { type: 'github', id: null, login: plan.commenter, ip: null, userAgent: null },
      },
    ),
  );
  await deps.publisher.send(queues.validation, {
    ...target(plan.installationId, plan.repository),
    headSha,
    pullNumbers: [plan.number],
    reason: 'revalidate',
  });
  return {
    status: 'processed',
    outcome: `/assay trust: ${headSha.slice(0, 7)} ${trusted ? 'trusted' : 'was already trusted'}, validation queued`,
  };
}

/**
 * Carries out a plan: keeps organisations, installations, repositories,
 * issues and pull requests current (in one system transaction), then queues
 * the follow-up work. Safe to repeat: every write is an upsert, and the
 * follow-up consumers are idempotent.
 */
export async function applyPlan(deps: ApplyDeps, plan: Plan, deliveryId: string): Promise<Applied> {
  if ('installationId' in plan) {
    const blocked = await installationBlocked(deps.db, plan.installationId);
    if (blocked) return { status: 'ignored', outcome: `${plan.kind}: ${blocked}` };
  }
  switch (plan.kind) {
    case 'ignore':
      return { status: 'ignored', outcome: plan.reason };
    case 'ping':
      return { status: 'processed', outcome: 'ping' };
    case 'installation':
      return applyInstallation(deps, plan);
    case 'repository': {
      // Renamed and transferred repositories keep their data under their new `full_name`.
      const ids = await ensureRepository(deps.db, plan.installationId, plan.repository);
      if (plan.action === 'deleted') {
        await withSystem(deps.db, (trx) => markRepositoriesRemoved(trx, { githubIds: [plan.repository.id] }));
      }
      return { status: 'processed', outcome: `repository ${plan.action} (${ids.repositoryId})` };
    }
    case 'issue': {
      const ids = await ensureRepository(deps.db, plan.installationId, plan.repository);
      const { issue } = plan;
      if (issue.pull_request !== undefined && issue.pull_request !== null) {
        return { status: 'ignored', outcome: 'issue event for a pull request' };
      }
      await withSystem(deps.db, (trx) =>
        upsertIssueState(
          trx,
          ids,
          {
            number: issue.number,
            title: issue.title,
            state: issue.state,
            author: issue.user?.login ?? null,
            htmlUrl: issue.html_url ?? null,
            ...(plan.transfer && {
              transferredTo: {
                to: `${plan.transfer.repository.full_name}#${plan.transfer.number}`,
                repositoryGithubId: plan.transfer.repository.id,
              },
            }),
          },
          plan.action === 'deleted',
        ),
      );
      if (plan.transfer) return applyIssueTransfer(deps, plan.transfer, deliveryId);
      if (!plan.enqueue) return { status: 'processed', outcome: `issue ${plan.action}: state kept` };
      await deps.publisher.send(queues.checklist, {
        ...target(plan.installationId, plan.repository),
        ...plan.enqueue,
        deliveryId,
      });
      return { status: 'processed', outcome: `issue ${plan.action}: checklist queued` };
    }
    case 'pull_request': {
      const ids = await ensureRepository(deps.db, plan.installationId, plan.repository);
      const { pull } = plan;
      await withSystem(deps.db, (trx) =>
        upsertPullState(trx, ids, {
          number: pull.number,
          title: pull.title,
          state: pull.state,
          merged: pull.merged ?? Boolean(pull.merged_at),
          draft: pull.draft ?? false,
          author: pull.user?.login ?? null,
          headSha: pull.head.sha,
          headRef: pull.head.ref,
          baseRef: pull.base.ref,
          htmlUrl: pull.html_url ?? null,
          closedAt: pull.closed_at ?? null,
          mergedAt: pull.merged_at ?? null,
        }),
      );
      if (plan.action === 'closed' && (pull.merged ?? Boolean(pull.merged_at))) {
        const issues = await markProvenOnMerge(deps.db, { ...ids, headSha: pull.head.sha });
        for (const issue of issues)
          await deps.publisher.send(queues.checklist, { ...issue, reason: 'edited' });
        return { status: 'processed', outcome: `pull request merged: ${issues.length} checklist(s) ticked` };
      }
      if (!plan.enqueue) return { status: 'processed', outcome: `pull request ${plan.action}: state kept` };
      await deps.publisher.send(queues.manifest, {
        ...target(plan.installationId, plan.repository),
        ...plan.enqueue,
        deliveryId,
      });
      return { status: 'processed', outcome: `pull request ${plan.action}: manifest queued` };
    }
    case 'command':
      return applyCommand(deps, plan);
    case 'workflow_run': {
      const ids = await ensureRepository(deps.db, plan.installationId, plan.repository);
      const { run } = plan;
      await withSystem(deps.db, (trx) =>
        upsertWorkflowRun(trx, ids, {
          id: run.id,
          headSha: run.head_sha,
          name: run.name ?? null,
          path: run.path ?? null,
          attempt: run.run_attempt ?? 1,
          status: run.status ?? plan.action,
          conclusion: run.conclusion ?? null,
        }),
      );
      if (!plan.message) return { status: 'processed', outcome: `workflow_run ${plan.action}: kept` };
      await deps.publisher.send(queues.validation, {
        ...target(plan.installationId, plan.repository),
        ...plan.message,
        deliveryId,
      });
      // Reports the run left as `assay-*` artifacts (fork pull requests have no upload credential).
      const artifacts = artifactsMessageSchema.safeParse({
        ...target(plan.installationId, plan.repository),
        ...plan.artifacts,
        deliveryId,
      });
      if (plan.artifacts && artifacts.success) await deps.publisher.send(queues.artifacts, artifacts.data);
      return { status: 'processed', outcome: `workflow_run ${plan.action}: validation queued` };
    }
    case 'validation': {
      await ensureRepository(deps.db, plan.installationId, plan.repository);
      await deps.publisher.send(queues.validation, {
        ...target(plan.installationId, plan.repository),
        ...plan.message,
        deliveryId,
      });
      return { status: 'processed', outcome: `${plan.message.reason}: validation queued` };
    }
  }
}
