/**
 * Human approval of agent stages (issue 18). The approval step records a
 * pending approval with the execution's task token and waits; a person
 * decides it once — through the API or with `/assay approve` / `/assay reject`
 * on the run's first issue, both through {@link decideApproval} — and the
 * decision resumes the execution with `SendTaskSuccess` (approve, edit) or
 * `SendTaskFailure` (`ApprovalRejectedError`). An edit stores the person's
 * version of the stage's artifacts first, so the next stage reads it.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { StaleTaskTokenError, type WorkflowStarter } from '../adapters/workflow-starter.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { editArtifacts } from './agent-run-artifacts.service.ts';
import {
  type ApprovalRow,
  decideApprovalRow,
  findApproval,
  findApprovalByStage,
  insertEvent,
  listApprovalRows,
  listArtifactRows,
  markApprovalDelivered,
  type RunRow,
  transitionRun,
  upsertPendingApproval,
} from './agent-runs.repository.ts';
import { finishRun, notifyAwaitingApproval, requireRun } from './agent-runs.service.ts';
import {
  ACTIVE_RUN_STATUSES,
  APPROVAL_REJECTED_ERROR,
  type ApprovalDecision,
  type ApprovalStage,
  type ApprovalView,
  isFinalStatus,
  type Plan,
  RunNotActiveError,
  type RunRef,
} from './agent-runs.types.ts';
import { type ArtifactKind, requirementsSchema } from './agents.types.ts';

/** The artifact kinds each approval covers (what an edit may change). */
export const APPROVAL_KINDS: Record<ApprovalStage, readonly ArtifactKind[]> = {
  analyst: ['requirements'],
  qa: ['test-cases'],
};

/** The stage that runs after an approved one. */
const NEXT_STAGE: Record<ApprovalStage, string> = { analyst: 'qa', qa: 'automation' };

/** Called once an approval is pending (the GitHub comment); failures are logged, never fatal. */
export type ApprovalListener = (event: {
  run: RunRow;
  approval: ApprovalRow;
  artifacts: { kind: ArtifactKind; count: number }[];
}) => Promise<void>;

export interface ApprovalDeps {
  db: Kysely<Database>;
  workflow: WorkflowStarter;
  publicUrl?: string;
  onRequested?: ApprovalListener;
  /** Called after a decision (and when it ended the run): edits the approval comment in place. Never fatal. */
  onChanged?: (orgId: string, runId: string) => Promise<void>;
}

async function toApprovalView(trx: Transaction<Database>, row: ApprovalRow): Promise<ApprovalView> {
  const artifacts = await listArtifactRows(trx, row.run_id, APPROVAL_KINDS[row.stage]);
  return {
    id: row.id,
    runId: row.run_id,
    stage: row.stage,
    status: row.status,
    decision: row.decision,
    decidedBy: row.decided_by_login,
    decidedVia: row.decided_via,
    comment: row.comment,
    decidedAt: row.decided_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    artifacts: artifacts.map((a) => ({ id: a.id, kind: a.kind, name: a.name, version: a.version })),
  };
}

/** A run's approvals, oldest first. @throws NotFoundError */
export async function listApprovals(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
): Promise<{ approvals: ApprovalView[] }> {
  return withTenant(db, orgId, async (trx) => {
    await requireRun(trx, runId);
    const rows = await listApprovalRows(trx, runId);
    return { approvals: await Promise.all(rows.map((row) => toApprovalView(trx, row))) };
  });
}

/** What the execution continues with after an approved stage: the requirement ids of the current version. */
async function planAfter(
  trx: Transaction<Database>,
  runId: string,
  stage: ApprovalStage,
): Promise<Plan | Record<string, never>> {
  if (stage !== 'analyst') return {};
  const [requirements] = await listArtifactRows(trx, runId, ['requirements']);
  const parsed = requirementsSchema.safeParse(requirements?.content);
  return { requirementIds: parsed.success ? parsed.data.map((r) => r.id) : [] };
}

/** Answers the waiting execution; a token that no longer waits ends the run `timed_out`. */
async function deliver(
  deps: ApprovalDeps,
  orgId: string,
  approval: ApprovalRow,
  answer: { output: unknown } | { error: string; cause: string },
): Promise<'delivered' | 'stale'> {
  if (!approval.task_token) return 'stale';
  try {
    if ('output' in answer) await deps.workflow.sendTaskSuccess(approval.task_token, answer.output);
    else await deps.workflow.sendTaskFailure(approval.task_token, answer.error, answer.cause);
  } catch (error) {
    if (!(error instanceof StaleTaskTokenError)) throw error;
    await withTenant(deps.db, orgId, async (trx) => {
      await trx
        .updateTable('agent_run_approvals')
        .set({ status: 'expired' })
        .where('id', '=', approval.id)
        .execute();
      await finishRun(
        deps.db,
        orgId,
        approval.run_id,
        {
          status: 'timed_out',
          errorCode: 'approval_expired',
          error: 'The decision came after the run had stopped waiting for it',
        },
        trx,
      );
    });
    return 'stale';
  }
  await withTenant(deps.db, orgId, (trx) => markApprovalDelivered(trx, approval.id));
  return 'delivered';
}

/**
 * Decides a pending approval once (`POST …/approvals/{approvalId}`, and
 * `/assay approve|reject` on GitHub with `via: 'github'`):
 * - `approve` continues the run with the stage's artifacts as they are;
 * - `edit` first stores `artifacts` (each an artifact of the stage, validated
 *   for its kind: 400 with fields) as new versions, then continues with them;
 * - `reject` ends the run `rejected`.
 * A decided approval is a 409 `approval_decided`, a finished run a 409
 * `run_finished`; an approval that timed out (the run ended `timed_out`
 * waiting for it), or a decision the execution no longer waits for (which
 * ends the run `timed_out`), is a 409 `approval_expired`.
 * Audited; records `approval_decided`.
 */
export async function decideApproval(
  deps: ApprovalDeps,
  orgId: string,
  actor: Actor,
  runId: string,
  approvalId: string,
  decision: ApprovalDecision,
  via: 'api' | 'github' = 'api',
): Promise<ApprovalView> {
  const decided = await withTenant(deps.db, orgId, async (trx) => {
    const run = await requireRun(trx, runId, true);
    const approval = await findApproval(trx, runId, approvalId);
    if (!approval) throw new NotFoundError('Approval not found', 'approval_not_found');
    if (approval.status === 'expired' || (approval.status === 'pending' && run.status === 'timed_out'))
      throw new ConflictError(
        'The approval timed out: the run stopped waiting for a decision',
        'approval_expired',
      );
    if (approval.status !== 'pending')
      throw new ConflictError(`The approval was already decided (${approval.status})`, 'approval_decided');
    if (isFinalStatus(run.status))
      throw new ConflictError(`The run has already finished (${run.status})`, 'run_finished');
    if (decision.decision === 'edit') {
      await editArtifacts(trx, orgId, runId, actor, decision.artifacts ?? [], {
        kinds: APPROVAL_KINDS[approval.stage],
        pathOf: (index) => `body.artifacts.${index}`,
      });
    }
    const status = ({ approve: 'approved', edit: 'edited', reject: 'rejected' } as const)[decision.decision];
    const row = await decideApprovalRow(trx, approvalId, {
      status,
      decision: decision.decision,
      decidedBy: actor.type === 'user' ? actor.id : null,
      decidedByLogin: actor.login,
      decidedVia: via,
      comment: decision.comment ?? null,
    });
    if (!row) throw new ConflictError('The approval was already decided', 'approval_decided');
    await insertEvent(trx, {
      orgId,
      runId,
      type: 'approval_decided',
      stage: approval.stage,
      data: {
        approvalId,
        decision: decision.decision,
        by: actor.login,
        via,
        comment: decision.comment ?? null,
      },
      dedupeKey: `approval_decided:${approvalId}`,
    });
    await recordAudit(trx, orgId, actor, {
      action: 'agent_run.approval_decided',
      targetType: 'agent_run',
      targetId: runId,
      details: {
        approvalId,
        stage: approval.stage,
        decision: decision.decision,
        via,
        comment: decision.comment ?? null,
      },
    });
    if (decision.decision === 'reject') {
      await finishRun(
        deps.db,
        orgId,
        runId,
        {
          status: 'rejected',
          errorCode: 'rejected',
          error: decision.comment
            ? `Rejected: ${decision.comment}`
            : `Rejected by ${actor.login ?? 'a person'}`,
        },
        trx,
      );
    } else {
      await transitionRun(trx, runId, ACTIVE_RUN_STATUSES, {
        status: 'running',
        stage: NEXT_STAGE[approval.stage],
      });
    }
    return { row, output: await planAfter(trx, runId, approval.stage) };
  });
  const answer =
    decision.decision === 'reject'
      ? { error: APPROVAL_REJECTED_ERROR, cause: decision.comment ?? 'Rejected' }
      : { output: decided.output };
  const delivered = await deliver(deps, orgId, decided.row, answer);
  await deps.onChanged?.(orgId, runId).catch(() => undefined);
  if (delivered === 'stale')
    throw new ConflictError(
      'The run stopped waiting for this decision (its approval timed out)',
      'approval_expired',
    );
  return withTenant(deps.db, orgId, async (trx) => {
    const row = await findApproval(trx, runId, approvalId);
    return toApprovalView(trx, row ?? decided.row);
  });
}

/**
 * The approval step (the state machine's `.waitForTaskToken` task): records
 * that `stage` waits for a person with `taskToken` and moves the run to
 * `awaiting_approval`, records `approval_requested`, notifies the members and
 * calls `onRequested` (the GitHub comment) once per approval. A replayed step
 * of a stage already decided answers its new token with the decision at once;
 * a still-pending one takes the new token (the old one is stale).
 *
 * @throws RunNotActiveError when the run has finished (cancelled meanwhile).
 */
export async function requestApproval(
  deps: ApprovalDeps,
  ref: RunRef,
  stage: ApprovalStage,
  taskToken: string,
): Promise<void> {
  const result = await withTenant(deps.db, ref.orgId, async (trx) => {
    const run = await requireRun(trx, ref.runId, true);
    if (isFinalStatus(run.status)) throw new RunNotActiveError(`The run has finished (${run.status})`);
    const before = await findApprovalByStage(trx, ref.runId, stage);
    const approval = await upsertPendingApproval(trx, { ...ref, stage, taskToken });
    if (approval.status !== 'pending') {
      const replay = { ...approval, task_token: taskToken };
      return { kind: 'decided' as const, approval: replay, output: await planAfter(trx, ref.runId, stage) };
    }
    const updated = await transitionRun(trx, ref.runId, ACTIVE_RUN_STATUSES, {
      status: 'awaiting_approval',
      stage,
    });
    const artifacts = await listArtifactRows(trx, ref.runId, APPROVAL_KINDS[stage]);
    await insertEvent(trx, {
      orgId: ref.orgId,
      runId: ref.runId,
      type: 'approval_requested',
      stage,
      data: {
        approvalId: approval.id,
        artifacts: artifacts.map((a) => ({ id: a.id, kind: a.kind, name: a.name, version: a.version })),
      },
      dedupeKey: `approval_requested:${approval.id}`,
    });
    if (!before) await notifyAwaitingApproval(trx, updated ?? run, approval, deps.publicUrl);
    const counts = new Map<ArtifactKind, number>();
    for (const a of artifacts) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
    return {
      kind: 'pending' as const,
      first: !before,
      run: updated ?? run,
      approval,
      artifacts: [...counts].map(([kind, count]) => ({ kind, count })),
    };
  });
  if (result.kind === 'decided') {
    const answer =
      result.approval.decision === 'reject'
        ? { error: APPROVAL_REJECTED_ERROR, cause: result.approval.comment ?? 'Rejected' }
        : { output: result.output };
    await deliver(deps, ref.orgId, result.approval, answer);
    return;
  }
  if (result.first && deps.onRequested) {
    await deps
      .onRequested({ run: result.run, approval: result.approval, artifacts: result.artifacts })
      .catch((error: unknown) => {
        console.warn(`[agent-runs] approval notice for run ${ref.runId} failed: ${String(error)}`);
      });
  }
}
