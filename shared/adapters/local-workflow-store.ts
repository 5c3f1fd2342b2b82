import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';

/**
 * Durable local state-machine executions and task tokens, kept in the
 * embedded database beside the local queues (schema `assay_local`), so the
 * API (which starts, stops and answers tokens) and the local runner (which
 * executes) agree across processes and restarts. Never used on AWS.
 *
 * An execution is `pending` until a runner claims it (`running`, with the
 * runner's owner id), then `succeeded`, `failed`, `aborted` or `timed_out`.
 * A task token is `pending` until answered once (`succeeded`/`failed`) or
 * given up (`expired`); a second answer finds it no longer pending.
 */

// biome-ignore lint/suspicious/noExplicitAny: the store works on any Kysely whose schema it owns.
type AnyDb = Kysely<any>;

/** Wakes a runner in the same process at once (other processes poll). */
export const localWorkflowSignals = new EventEmitter();
localWorkflowSignals.setMaxListeners(0);

export interface LocalExecution {
  id: string;
  stateMachine: string;
  input: unknown;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'aborted' | 'timed_out';
  owner: string | null;
  stopRequested: boolean;
  attempts: number;
}

export interface LocalTaskToken {
  token: string;
  executionId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'expired';
  output: unknown;
  error: string | null;
  cause: string | null;
}

/** Creates the store's schema if it is not there yet (idempotent). */
export async function ensureLocalWorkflowSchema(db: AnyDb): Promise<void> {
  await sql`create schema if not exists assay_local`.execute(db);
  await sql`create table if not exists assay_local.workflow_executions (
    id text primary key,
    state_machine text not null,
    input jsonb not null,
    status text not null,
    owner text,
    stop_requested boolean not null default false,
    attempts int not null default 0,
    error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table if not exists assay_local.workflow_task_tokens (
    token text primary key,
    execution_id text not null,
    status text not null,
    output jsonb,
    error text,
    cause text,
    created_at timestamptz not null default now()
  )`.execute(db);
}

interface ExecutionRow {
  id: string;
  state_machine: string;
  input: unknown;
  status: LocalExecution['status'];
  owner: string | null;
  stop_requested: boolean;
  attempts: number;
}

const toExecution = (row: ExecutionRow): LocalExecution => ({
  id: row.id,
  stateMachine: row.state_machine,
  input: row.input,
  status: row.status,
  owner: row.owner,
  stopRequested: row.stop_requested,
  attempts: row.attempts,
});

/** Records a new execution (`pending`); the id is `local:{stateMachine}:{name}`. Starting a name twice is refused. */
export async function insertLocalExecution(
  db: AnyDb,
  stateMachine: string,
  name: string,
  input: unknown,
): Promise<string> {
  const id = `local:${stateMachine}:${name}`;
  const result = await sql`insert into assay_local.workflow_executions (id, state_machine, input, status)
    values (${id}, ${stateMachine}, ${JSON.stringify(input)}::jsonb, 'pending') on conflict (id) do nothing`.execute(
    db,
  );
  if (Number(result.numAffectedRows ?? 0n) === 0) throw new Error(`Execution ${id} already exists`);
  localWorkflowSignals.emit('execution');
  return id;
}

/**
 * Claims executions for `owner`: pending ones, and running ones whose owner
 * is not `owner` and not in `liveOwners` (their process stopped). Each claim
 * counts one attempt.
 */
export async function claimLocalExecutions(
  db: AnyDb,
  owner: string,
  liveOwners: readonly string[],
): Promise<LocalExecution[]> {
  const live = [owner, ...liveOwners];
  const result = await sql<ExecutionRow>`update assay_local.workflow_executions
    set status = 'running', owner = ${owner}, attempts = attempts + 1, updated_at = now()
    where status = 'pending'
       or (status = 'running' and (owner is null or not (owner = any(${live}::text[]))))
    returning *`.execute(db);
  return result.rows.map(toExecution);
}

/** One execution, or undefined. */
export async function findLocalExecution(db: AnyDb, id: string): Promise<LocalExecution | undefined> {
  const result =
    await sql<ExecutionRow>`select * from assay_local.workflow_executions where id = ${id}`.execute(db);
  const row = result.rows[0];
  return row ? toExecution(row) : undefined;
}

/** Ids of the running executions `owner` holds that were asked to stop. */
export async function stopRequestedLocalExecutions(db: AnyDb, owner: string): Promise<string[]> {
  const result = await sql<{ id: string }>`select id from assay_local.workflow_executions
    where owner = ${owner} and status = 'running' and stop_requested`.execute(db);
  return result.rows.map((row) => row.id);
}

/**
 * Asks an execution to stop (StopExecution). A pending one is aborted at once;
 * its pending task tokens expire. False when it had already ended.
 */
export async function requestLocalStop(db: AnyDb, id: string): Promise<boolean> {
  const result = await sql`update assay_local.workflow_executions
    set stop_requested = true,
        status = case when status = 'pending' then 'aborted' else status end,
        updated_at = now()
    where id = ${id} and status in ('pending', 'running')`.execute(db);
  await sql`update assay_local.workflow_task_tokens set status = 'expired'
    where execution_id = ${id} and status = 'pending'`.execute(db);
  localWorkflowSignals.emit('stop', id);
  return Number(result.numAffectedRows ?? 0n) > 0;
}

/** Records how an execution ended (only by the runner that owns it). */
export async function finishLocalExecution(
  db: AnyDb,
  id: string,
  owner: string,
  status: 'succeeded' | 'failed' | 'aborted' | 'timed_out',
  error?: string,
): Promise<void> {
  await sql`update assay_local.workflow_executions
    set status = ${status}, error = ${error ?? null}, updated_at = now()
    where id = ${id} and owner = ${owner} and status = 'running'`.execute(db);
  await sql`update assay_local.workflow_task_tokens set status = 'expired'
    where execution_id = ${id} and status = 'pending'`.execute(db);
}

/** A new pending task token of an execution (what `$$.Task.Token` is on AWS). */
export async function createLocalTaskToken(db: AnyDb, executionId: string): Promise<string> {
  const token = `local-token:${randomUUID()}`;
  await sql`insert into assay_local.workflow_task_tokens (token, execution_id, status)
    values (${token}, ${executionId}, 'pending')`.execute(db);
  return token;
}

/**
 * Answers a pending token once (SendTaskSuccess / SendTaskFailure). Returns
 * false when the token is unknown or no longer pending (answered, expired).
 */
export async function answerLocalTaskToken(
  db: AnyDb,
  token: string,
  answer: { output: unknown } | { error: string; cause: string },
): Promise<boolean> {
  const result =
    'output' in answer
      ? await sql`update assay_local.workflow_task_tokens set status = 'succeeded',
          output = ${JSON.stringify(answer.output)}::jsonb where token = ${token} and status = 'pending'`.execute(
          db,
        )
      : await sql`update assay_local.workflow_task_tokens set status = 'failed',
          error = ${answer.error}, cause = ${answer.cause} where token = ${token} and status = 'pending'`.execute(
          db,
        );
  const answered = Number(result.numAffectedRows ?? 0n) > 0;
  if (answered) localWorkflowSignals.emit('token', token);
  return answered;
}

/** A token's state, or undefined when unknown. */
export async function readLocalTaskToken(db: AnyDb, token: string): Promise<LocalTaskToken | undefined> {
  const result = await sql<{
    token: string;
    execution_id: string;
    status: LocalTaskToken['status'];
    output: unknown;
    error: string | null;
    cause: string | null;
  }>`select * from assay_local.workflow_task_tokens where token = ${token}`.execute(db);
  const row = result.rows[0];
  return row
    ? {
        token: row.token,
        executionId: row.execution_id,
        status: row.status,
        output: row.output,
        error: row.error,
        cause: row.cause,
      }
    : undefined;
}

/** Gives up a pending token (its state timed out or the execution ended). */
export async function expireLocalTaskToken(db: AnyDb, token: string): Promise<void> {
  await sql`update assay_local.workflow_task_tokens set status = 'expired'
    where token = ${token} and status = 'pending'`.execute(db);
}
