import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { WorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { APPROVAL_KINDS, decideApproval } from '../../shared/agents/agent-run-approvals.service.ts';
import { listArtifacts } from '../../shared/agents/agent-run-artifacts.service.ts';
import { getAgentRun, listAgentRunEvents } from '../../shared/agents/agent-runs.service.ts';
import type {
  AgentRunEventView,
  ApprovalDecision,
  ArtifactView,
} from '../../shared/agents/agent-runs.types.ts';
import type { Database } from '../../shared/db/database.ts';
import { cliActor } from './token-command.ts';

/** Who the audit log names for agent runs started and decided from the command line. */
export { cliActor };

/** Asked when a stage waits for approval: the stage and its artifacts; answers the decision. */
export type ApprovalPrompt = (
  stage: 'analyst' | 'qa',
  artifacts: ArtifactView[],
) => Promise<ApprovalDecision>;

/** One line for an event, as the terminal shows it. */
export function describeEvent(event: AgentRunEventView): string {
  const d = event.data as Record<string, unknown>;
  const stage = event.stage ? `[${event.stage}${d.item ? ` ${String(d.item)}` : ''}] ` : '';
  switch (event.type) {
    case 'llm_call': {
      const usage = d.usage as { totalTokens?: number } | undefined;
      return `${stage}LLM call ${String(d.promptId)}@${String(d.promptVersion)} attempt ${String(d.attempt)}: ${String(d.outcome)}, ${usage?.totalTokens ?? 0} tokens`;
    }
    case 'artifact_created':
    case 'artifact_edited':
      return `${stage}${event.type === 'artifact_created' ? 'wrote' : 'edited'} ${String(d.kind)} ${String(d.name)} (v${String(d.version)})`;
    case 'approval_requested':
      return `${stage}awaiting approval`;
    case 'approval_decided':
      return `${stage}${String(d.decision)} by ${String(d.by ?? 'someone')}${d.comment ? `: ${String(d.comment)}` : ''}`;
    case 'run_finished':
      return `run finished: ${String(d.status)}`;
    default:
      return `${stage}${event.type.replace('_', ' ')}`;
  }
}

/**
 * Follows a run's events until it finishes, writing one line per event to
 * `print` and asking `prompt` for each approval (decided through the same
 * path as the API, as {@link cliActor}). Resolves to the finished run.
 */
export async function followAgentRun(
  deps: { db: Kysely<Database>; workflow: WorkflowStarter },
  orgId: string,
  runId: string,
  options: { prompt: ApprovalPrompt; print: (line: string) => void; pollMs?: number },
) {
  let after: string | undefined;
  for (;;) {
    const { events, status } = await listAgentRunEvents(deps.db, orgId, runId, after ? { after } : {});
    for (const event of events) {
      after = event.id;
      options.print(describeEvent(event));
      if (event.type === 'approval_requested') {
        const stage = event.stage === 'qa' ? 'qa' : 'analyst';
        const { artifacts } = await listArtifacts(deps.db, orgId, runId, APPROVAL_KINDS[stage]);
        const decision = await options.prompt(stage, artifacts);
        const approvalId = String((event.data as { approvalId?: unknown }).approvalId);
        await decideApproval(deps, orgId, cliActor, runId, approvalId, decision).catch((error: unknown) =>
          options.print(`decision not taken: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }
    if (events.length === 0 && !['running', 'awaiting_approval'].includes(status))
      return getAgentRun(deps.db, orgId, runId);
    if (events.length === 0) await sleep(options.pollMs ?? 300);
  }
}

/** A short text of the artifacts a person approves: requirement titles and criteria, or test case titles. */
export function summarizeArtifacts(artifacts: readonly ArtifactView[]): string {
  const lines: string[] = [];
  for (const artifact of artifacts) {
    const items = Array.isArray(artifact.content) ? (artifact.content as Record<string, unknown>[]) : [];
    for (const item of items) {
      if (artifact.kind === 'requirements') {
        lines.push(`  ${String(item.id)} ${String(item.title)}`);
        for (const c of (item.acceptanceCriteria as { text: string; tid?: string }[]) ?? [])
          lines.push(`      - ${c.tid ? `${c.tid} ` : '(new) '}${c.text}`);
      } else {
        lines.push(
          `  ${String(item.tid ?? '(new)')} ${String(item.title)} [${String(item.priority)}, ${String(item.type)}]`,
        );
      }
    }
  }
  return lines.join('\n');
}
