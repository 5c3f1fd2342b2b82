/**
 * Finds agent runs whose state-machine execution ended without the run
 * recording an outcome — the failure step itself failed, an execution was
 * stopped or timed out outside Assay, or the start crashed between the run's
 * row and StartExecution — and ends them, so no run stays `running` or
 * `awaiting_approval` forever. Run by the `sweep-agent-runs` schedule.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { ExecutionStatus, WorkflowStarter } from '../adapters/workflow-starter.ts';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { finishRun } from './agent-runs.service.ts';
import { ACTIVE_RUN_STATUSES } from './agent-runs.types.ts';

/** What {@link reconcileAgentRuns} did. */
export interface ReconcileOutcome {
  /** Active runs looked at (untouched for at least `olderThanSeconds`). */
  checked: number;
  /** Runs ended here, with the execution status that ended them. */
  ended: { runId: string; execution: ExecutionStatus | 'NOT_STARTED' }[];
}

/**
 * Looks at up to `limit` runs still active (`running`/`awaiting_approval`)
 * and untouched for `olderThanSeconds`, oldest first; for each asks the
 * workflow port whether its execution still runs (DescribeExecution). A run
 * whose execution ended (or never existed) ends here: `timed_out` when the
 * execution timed out, `cancelled` when it was aborted, otherwise `failed`
 * with error code `execution_ended` (`start_failed` when it never started).
 * Ending is compare-and-set (`finishRun`), so a run that finishes meanwhile
 * keeps its own outcome, and a second sweep changes nothing (idempotent).
 *
 * @param options.olderThanSeconds leave younger runs alone (a start or a step may be in flight), ≥ 0
 * @throws what the database or the workflow port throws (the schedule retries)
 */
export async function reconcileAgentRuns(
  deps: { readonly db: Kysely<Database>; readonly workflows: WorkflowStarter },
  options: { readonly olderThanSeconds: number; readonly limit: number },
): Promise<ReconcileOutcome> {
  const runs = await withSystem(deps.db, (trx) =>
    trx
      .selectFrom('agent_runs')
      .select(['id', 'org_id', 'execution_id'])
      .where('status', 'in', [...ACTIVE_RUN_STATUSES])
      .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${options.olderThanSeconds})`)
      .orderBy('updated_at')
      .limit(options.limit)
      .execute(),
  );
  const ended: ReconcileOutcome['ended'] = [];
  for (const run of runs) {
    const execution = run.execution_id
      ? (await deps.workflows.describe(run.execution_id)).status
      : ('NOT_STARTED' as const);
    if (execution === 'RUNNING') continue;
    const row = await finishRun(deps.db, run.org_id, run.id, endingFor(execution));
    if (row) ended.push({ runId: run.id, execution });
  }
  return { checked: runs.length, ended };
}

function endingFor(execution: Exclude<ExecutionStatus, 'RUNNING'> | 'NOT_STARTED') {
  switch (execution) {
    case 'TIMED_OUT':
      return {
        status: 'timed_out' as const,
        errorCode: 'timed_out',
        error: 'The run’s execution timed out before it recorded an outcome',
      };
    case 'ABORTED':
      return {
        status: 'cancelled' as const,
        errorCode: 'execution_ended',
        error: 'The run’s execution was stopped before it recorded an outcome',
      };
    case 'NOT_STARTED':
      return {
        status: 'failed' as const,
        errorCode: 'start_failed',
        error: 'The run was never started; request it again',
      };
    default:
      return {
        status: 'failed' as const,
        errorCode: 'execution_ended',
        error: `The run’s execution ended (${execution}) without recording an outcome`,
      };
  }
}
