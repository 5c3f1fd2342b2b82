import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureLocalWorkflowSchema,
  insertLocalExecution,
} from '../../../shared/adapters/local-workflow-store.ts';
import { createLocalWorkflowStarter } from '../../../shared/adapters/workflow-starter.ts';
import { reconcileAgentRuns } from '../../../shared/agents/agent-run-reconcile.service.ts';
import type { AgentRunStatus } from '../../../shared/agents/agent-runs.types.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { seedOrg } from '../../support/identity.ts';
import { startTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// The sweep behind the `sweep-agent-runs` schedule, against the local workflow store (the same
// port as Step Functions' DescribeExecution): no run stays running once its execution has ended.
let database: TestDatabase;
let orgId: string;

beforeAll(async () => {
  database = await startTestDatabase();
  await ensureLocalWorkflowSchema(database.db);
  orgId = await seedOrg(database.db, 'sweep-org');
}, 120_000);
afterAll(() => database?.stop());

type Execution = 'pending' | 'running' | 'succeeded' | 'failed' | 'aborted' | 'timed_out' | 'none';

/** An active run whose last change was `ageSeconds` ago, with a local execution in `execution`. */
async function seedRun(execution: Execution, ageSeconds: number, status: AgentRunStatus = 'running') {
  const id = randomUUID();
  const executionId =
    execution === 'none' ? null : await insertLocalExecution(database.db, 'agent-run', id, { runId: id });
  if (executionId && execution !== 'pending')
    await sql`update assay_local.workflow_executions set status = ${execution} where id = ${executionId}`.execute(
      database.db,
    );
  await withSystem(database.db, (trx) =>
    trx
      .insertInto('agent_runs')
      .values({
        id,
        org_id: orgId,
        status,
        stage: 'qa',
        issues: '[]',
        document_ids: '[]',
        approvals: 'each-stage',
        stage_tokens: '{}',
        prompt_versions: '{}',
        requested_by_login: 'mona',
        execution_id: executionId,
        updated_at: sql<Date>`now() - make_interval(secs => ${ageSeconds})`,
      })
      .execute(),
  );
  return id;
}

const runOf = (id: string) =>
  withSystem(database.db, (trx) =>
    trx
      .selectFrom('agent_runs')
      .select(['status', 'error_code', 'error', 'finished_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
  );

const finishedEvents = (id: string) =>
  withSystem(database.db, (trx) =>
    trx
      .selectFrom('agent_run_events')
      .select('data')
      .where('run_id', '=', id)
      .where('type', '=', 'run_finished')
      .execute(),
  );

describe('sweep of agent runs whose execution ended without an outcome', () => {
  it('ends each stuck run by what its execution did, leaves running and young ones, and is idempotent', async () => {
    const failed = await seedRun('failed', 3600);
    const timedOut = await seedRun('timed_out', 3600, 'awaiting_approval');
    const aborted = await seedRun('aborted', 3600);
    const neverStarted = await seedRun('none', 3600);
    const stillRunning = await seedRun('running', 3600, 'awaiting_approval');
    const pending = await seedRun('pending', 3600);
    const young = await seedRun('failed', 10);
    const youngUnstarted = await seedRun('none', 10);
    const done = await seedRun('succeeded', 3600, 'succeeded');

    const workflows = createLocalWorkflowStarter(async () => database.db);
    const first = await reconcileAgentRuns(
      { db: database.db, workflows },
      { olderThanSeconds: 900, limit: 100 },
    );

    expect(first.checked).toBe(6);
    expect(new Map(first.ended.map((e) => [e.runId, e.execution]))).toEqual(
      new Map([
        [failed, 'FAILED'],
        [timedOut, 'TIMED_OUT'],
        [aborted, 'ABORTED'],
        [neverStarted, 'NOT_STARTED'],
      ]),
    );
    expect(await runOf(failed)).toMatchObject({ status: 'failed', error_code: 'execution_ended' });
    expect((await runOf(failed)).error).toContain('FAILED');
    expect(await runOf(timedOut)).toMatchObject({ status: 'timed_out', error_code: 'timed_out' });
    expect(await runOf(aborted)).toMatchObject({ status: 'cancelled', error_code: 'execution_ended' });
    expect(await runOf(neverStarted)).toMatchObject({ status: 'failed', error_code: 'start_failed' });
    for (const id of [failed, timedOut, aborted, neverStarted]) {
      expect((await runOf(id)).finished_at).not.toBeNull();
      expect(await finishedEvents(id)).toHaveLength(1);
    }
    expect((await runOf(stillRunning)).status).toBe('awaiting_approval');
    for (const id of [pending, young, youngUnstarted]) expect((await runOf(id)).status).toBe('running');
    expect((await runOf(done)).status).toBe('succeeded');

    const again = await reconcileAgentRuns(
      { db: database.db, workflows },
      { olderThanSeconds: 900, limit: 100 },
    );
    expect(again).toEqual({ checked: 2, ended: [] });
    for (const id of [failed, timedOut, aborted, neverStarted])
      expect(await finishedEvents(id)).toHaveLength(1);
  });

  it('looks at no more than `limit` runs per sweep, oldest first', async () => {
    const oldest = await seedRun('failed', 7200);
    await seedRun('failed', 5000);
    const workflows = createLocalWorkflowStarter(async () => database.db);
    const outcome = await reconcileAgentRuns(
      { db: database.db, workflows },
      { olderThanSeconds: 900, limit: 1 },
    );
    expect(outcome).toEqual({ checked: 1, ended: [{ runId: oldest, execution: 'FAILED' }] });
  });
});
