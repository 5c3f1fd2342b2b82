import { z } from 'zod';
import type {
  ArtifactsMessage,
  ChecklistMessage,
  ManifestMessage,
  ValidationMessage,
} from '../queues/messages.ts';
import {
  accountSchema,
  checkRunSchema,
  checkSuiteSchema,
  commentSchema,
  type IssueTransfer,
  installationRefSchema,
  installationSchema,
  issueSchema,
  issueTransferSchema,
  type ListedRepository,
  listedRepositorySchema,
  pullRequestSchema,
  type Repository,
  repositorySchema,
  type WorkflowRun,
  workflowRunSchema,
} from './payload-parts.ts';

/** What a delivery means for Assay: state to keep and work to queue. Pure data. */
export type Plan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'ping' }
  | {
      kind: 'installation';
      action: string;
      installation: z.infer<typeof installationSchema>;
      repositories: ListedRepository[];
      removed: ListedRepository[];
      /** The account's login before an `installation_target` rename. */
      previousLogin?: string;
    }
  | { kind: 'repository'; action: string; installationId: number; repository: Repository }
  | {
      kind: 'issue';
      action: string;
      installationId: number;
      repository: Repository;
      issue: z.infer<typeof issueSchema>;
      enqueue?: Omit<ChecklistMessage, 'installationId' | 'repositoryGithubId' | 'repoFullName'>;
      /** `issues.transferred`: where the issue went. */
      transfer?: IssueTransfer;
    }
  | {
      kind: 'pull_request';
      action: string;
      installationId: number;
      repository: Repository;
      pull: z.infer<typeof pullRequestSchema>;
      enqueue?: Omit<ManifestMessage, 'installationId' | 'repositoryGithubId' | 'repoFullName'>;
    }
  | {
      kind: 'command';
      command: 'regenerate' | 'revalidate' | 'approve' | 'reject' | 'trust';
      installationId: number;
      repository: Repository;
      number: number;
      commenter: string;
      /** The rest of the command's line (`/assay reject <reason>`), trimmed; empty when none. */
      argument: string;
    }
  | {
      kind: 'validation';
      installationId: number;
      repository: Repository;
      message: Omit<ValidationMessage, 'installationId' | 'repositoryGithubId' | 'repoFullName'>;
    }
  | {
      /** A workflow run requested, in progress or completed: kept per head SHA; a completed one validates it. */
      kind: 'workflow_run';
      action: string;
      installationId: number;
      repository: Repository;
      run: WorkflowRun;
      message?: Omit<ValidationMessage, 'installationId' | 'repositoryGithubId' | 'repoFullName'>;
      /** A completed run: pull its `assay-*` artifacts. */
      artifacts?: Omit<ArtifactsMessage, 'installationId' | 'repositoryGithubId' | 'repoFullName'>;
    };

const ISSUE_ACTIONS = new Set(['opened', 'edited', 'reopened']);
const PULL_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'edited']);
const COMMAND = /^\s*\/assay\s+(regenerate|revalidate|approve|reject)\b[ \t]*([^\r\n]*)/i;
const SHA = /^[0-9a-f]{40}$/;
/** `/assay trust [sha]` on a pull request: its fork reports may prove criteria (issue 30). */
const TRUST_COMMAND = /^\s*\/assay\s+(trust)\b[ \t]*([^\r\n]*)/i;

function field<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A payload part, or the reason the delivery is ignored: `missing` when it is
 * absent, else the first problem found (a number out of its column's range, a
 * timestamp that does not parse…), named by its path.
 */
function part<T>(
  schema: z.ZodType<T>,
  value: unknown,
  name: string,
  missing: string,
): { ok: true; data: T } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: false, reason: missing };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = [name, ...(issue?.path ?? []).map(String)].join('.');
  return { ok: false, reason: `${where} is invalid: ${issue?.message ?? 'not the expected shape'}` };
}

function repoScope(
  payload: Record<string, unknown>,
): { installationId: number; repository: Repository } | string {
  const installation = part(
    installationRefSchema,
    payload.installation,
    'installation',
    'not sent to an installation',
  );
  if (!installation.ok) return installation.reason;
  const repository = part(repositorySchema, payload.repository, 'repository', 'no repository in the payload');
  if (!repository.ok) return repository.reason;
  return { installationId: installation.data.id, repository: repository.data };
}

function planInstallation(event: string, action: string, payload: Record<string, unknown>): Plan {
  const found = part(
    installationSchema,
    payload.installation,
    'installation',
    'installation payload without an account',
  );
  if (!found.ok) return { kind: 'ignore', reason: found.reason };
  const installation = found.data;
  const list = (value: unknown) => field(z.array(listedRepositorySchema), value) ?? [];
  if (event === 'installation') {
    return {
      kind: 'installation',
      action,
      installation,
      repositories: list(payload.repositories),
      removed: [],
    };
  }
  return {
    kind: 'installation',
    action: `repositories_${action}`,
    installation,
    repositories: list(payload.repositories_added),
    removed: list(payload.repositories_removed),
  };
}

function planIssue(action: string, payload: Record<string, unknown>): Plan {
  const scope = repoScope(payload);
  if (typeof scope === 'string') return { kind: 'ignore', reason: scope };
  const found = part(issueSchema, payload.issue, 'issue', 'issue payload without an issue');
  if (!found.ok) return { kind: 'ignore', reason: found.reason };
  const issue = found.data;
  const enqueue = ISSUE_ACTIONS.has(action)
    ? { issueNumber: issue.number, reason: action as 'opened' | 'edited' | 'reopened' }
    : undefined;
  if (action === 'transferred') {
    const transfer = field(issueTransferSchema, payload.changes);
    if (!transfer) return { kind: 'ignore', reason: 'issues transferred without the new issue' };
    return {
      kind: 'issue',
      action,
      ...scope,
      issue,
      transfer: { repository: transfer.new_repository, number: transfer.new_issue.number },
    };
  }
  return { kind: 'issue', action, ...scope, issue, enqueue };
}

function planPull(action: string, payload: Record<string, unknown>): Plan {
  const scope = repoScope(payload);
  if (typeof scope === 'string') return { kind: 'ignore', reason: scope };
  const found = part(
    pullRequestSchema,
    payload.pull_request,
    'pull_request',
    'pull_request payload without a pull request',
  );
  if (!found.ok) return { kind: 'ignore', reason: found.reason };
  const pull = found.data;
  const sha = SHA.test(pull.head.sha) ? pull.head.sha : undefined;
  const enqueue = PULL_ACTIONS.has(action)
    ? {
        pullNumber: pull.number,
        headSha: sha,
        reason: action as 'opened' | 'synchronize' | 'reopened' | 'edited',
      }
    : undefined;
  return { kind: 'pull_request', action, ...scope, pull, enqueue };
}

function planComment(action: string, payload: Record<string, unknown>): Plan {
  if (action !== 'created') return { kind: 'ignore', reason: `issue_comment ${action}` };
  const comment = field(commentSchema, payload.comment);
  const match = comment?.body ? (COMMAND.exec(comment.body) ?? TRUST_COMMAND.exec(comment.body)) : null;
  if (!comment || !match?.[1]) return { kind: 'ignore', reason: 'comment is not an /assay command' };
  if (!comment.user || comment.user.type === 'Bot') return { kind: 'ignore', reason: 'command from a bot' };
  const scope = repoScope(payload);
  if (typeof scope === 'string') return { kind: 'ignore', reason: scope };
  const found = part(issueSchema, payload.issue, 'issue', 'comment payload without an issue');
  if (!found.ok) return { kind: 'ignore', reason: found.reason };
  const issue = found.data;
  const command = match[1].toLowerCase() as 'regenerate' | 'revalidate' | 'approve' | 'reject' | 'trust';
  const onPull = issue.pull_request !== undefined && issue.pull_request !== null;
  if (command === 'trust' && !onPull)
    return { kind: 'ignore', reason: '/assay trust outside a pull request' };
  if (command === 'revalidate' && !onPull)
    return { kind: 'ignore', reason: '/assay revalidate outside a pull request' };
  if (command !== 'revalidate' && command !== 'trust' && onPull)
    return { kind: 'ignore', reason: `/assay ${command} on a pull request` };
  const argument = (match[2] ?? '').trim().slice(0, 2000);
  return {
    kind: 'command',
    command,
    ...scope,
    number: issue.number,
    commenter: comment.user.login,
    argument,
  };
}

function planValidation(event: string, payload: Record<string, unknown>): Plan {
  const scope = repoScope(payload);
  if (typeof scope === 'string') return { kind: 'ignore', reason: scope };
  const source =
    event === 'check_suite'
      ? field(checkSuiteSchema, payload.check_suite)
      : field(checkRunSchema, payload.check_run);
  if (!source || !SHA.test(source.head_sha)) return { kind: 'ignore', reason: `${event} without a head SHA` };
  const reason = event === 'check_suite' ? 'check_suite_rerequested' : 'check_run_rerequested';
  return {
    kind: 'validation',
    ...scope,
    message: { headSha: source.head_sha, pullNumbers: source.pull_requests.map((p) => p.number), reason },
  };
}

function planWorkflowRun(action: string, payload: Record<string, unknown>): Plan {
  if (!['requested', 'in_progress', 'completed'].includes(action))
    return { kind: 'ignore', reason: `workflow_run ${action}` };
  const scope = repoScope(payload);
  if (typeof scope === 'string') return { kind: 'ignore', reason: scope };
  const run = field(workflowRunSchema, payload.workflow_run);
  if (!run || !SHA.test(run.head_sha)) return { kind: 'ignore', reason: 'workflow_run without a head SHA' };
  const status = action === 'completed' ? 'completed' : (run.status ?? action);
  const message =
    action === 'completed'
      ? {
          headSha: run.head_sha,
          pullNumbers: run.pull_requests.map((p) => p.number),
          reason: 'workflow_run_completed' as const,
          workflowRunId: run.id,
        }
      : undefined;
  const artifacts =
    action === 'completed'
      ? {
          workflowRunId: run.id,
          runAttempt: run.run_attempt ?? 1,
          headSha: run.head_sha,
          headRepository: run.head_repository?.full_name ?? null,
          workflowPath: run.path ?? null,
          workflowName: run.name ?? null,
          event: run.event ?? null,
          pullNumbers: run.pull_requests.map((p) => p.number),
        }
      : undefined;
  return {
    kind: 'workflow_run',
    action,
    ...scope,
    run: { ...run, status },
    ...(message && { message }),
    ...(artifacts && { artifacts }),
  };
}

/**
 * Decides what a delivery means, by event and action (SPEC §1). Never throws:
 * anything Assay does not act on becomes `ignore` with the reason.
 */
export function planDelivery(event: string, payload: Record<string, unknown>): Plan {
  const action = typeof payload.action === 'string' ? payload.action : '';
  switch (event) {
    case 'ping':
      return { kind: 'ping' };
    case 'installation':
    case 'installation_repositories':
      return planInstallation(event, action, payload);
    case 'installation_target': {
      // GitHub sends only `installation: { id }`; the renamed account is top-level, the old login in `changes`.
      const installation = field(installationRefSchema, payload.installation);
      const account = field(accountSchema, payload.account);
      if (!installation || !account)
        return { kind: 'ignore', reason: 'installation_target without an installation or an account' };
      if (action !== 'renamed') return { kind: 'ignore', reason: `installation_target ${action}` };
      const previous = field(z.object({ login: z.object({ from: z.string().min(1) }) }), payload.changes);
      return {
        kind: 'installation',
        action: 'renamed',
        installation: { id: installation.id, account },
        repositories: [],
        removed: [],
        ...(previous ? { previousLogin: previous.login.from } : {}),
      };
    }
    case 'repository': {
      if (
        ![
          'renamed',
          'deleted',
          'edited',
          'transferred',
          'privatized',
          'publicized',
          'archived',
          'unarchived',
        ].includes(action)
      ) {
        return { kind: 'ignore', reason: `repository ${action}` };
      }
      const scope = repoScope(payload);
      return typeof scope === 'string'
        ? { kind: 'ignore', reason: scope }
        : { kind: 'repository', action, ...scope };
    }
    case 'issues':
      return planIssue(action, payload);
    case 'pull_request':
      return planPull(action, payload);
    case 'issue_comment':
      return planComment(action, payload);
    case 'workflow_run':
      return planWorkflowRun(action, payload);
    case 'check_suite':
    case 'check_run':
      return action === 'rerequested'
        ? planValidation(event, payload)
        : { kind: 'ignore', reason: `${event} ${action}` };
    default:
      return { kind: 'ignore', reason: `event ${event} is not used` };
  }
}
