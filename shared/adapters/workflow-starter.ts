import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { getDb } from '../db/connection.ts';
import type { Database } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import {
  answerLocalTaskToken,
  findLocalExecution,
  insertLocalExecution,
  requestLocalStop,
} from './local-workflow-store.ts';

/**
 * The port through which the product starts, stops and resumes state-machine
 * executions: Step Functions on AWS (`@aws-sdk/client-sfn`), the durable local
 * runner (`infra/local/workflow-engine.ts`) on one machine. Inputs and
 * outputs are JSON values (ids only: Step Functions carries 256 KB at most).
 */
export interface WorkflowStarter {
  /** StartExecution; `name` is unique per state machine (the run id). Returns the execution's id (ARN). */
  start(stateMachine: string, name: string, input: unknown): Promise<string>;
  /** StopExecution; stopping an ended execution does nothing. */
  stop(executionId: string, cause: string): Promise<void>;
  /** SendTaskSuccess. @throws StaleTaskTokenError when the token no longer waits (answered, timed out, stopped). */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  /** SendTaskFailure with an error name the definition's Catch matches. @throws StaleTaskTokenError */
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
  /** DescribeExecution: whether the execution still runs (`UNKNOWN` when there is no such execution). */
  describe(executionId: string): Promise<{ status: ExecutionStatus }>;
}

/** An execution's state as Step Functions names it (`PENDING_REDRIVE` reads as `RUNNING`), or `UNKNOWN`. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'UNKNOWN';

/** The task token no longer resumes anything: its state timed out, it was answered, or the execution ended. */
export class StaleTaskTokenError extends DomainError {
  override readonly name = 'StaleTaskTokenError';
  constructor(message = 'The execution no longer waits for this decision') {
    super('task_token_stale', message);
  }
}

const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Step Functions: the state machine's ARN comes from `ASSAY_AGENT_RUN_STATE_MACHINE_ARN` (set by the stack). */
export function createSfnWorkflowStarter(
  config: Config,
  client = new SFNClient({ region: config.AWS_REGION }),
): WorkflowStarter {
  const arns: Record<string, string | undefined> = {
    'agent-run': config.ASSAY_AGENT_RUN_STATE_MACHINE_ARN,
  };
  const stale = async (send: () => Promise<unknown>) => {
    try {
      await send();
    } catch (error) {
      if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) throw new StaleTaskTokenError();
      throw error;
    }
  };
  return {
    async start(stateMachine, name, input) {
      const arn = arns[stateMachine];
      if (!arn) throw new Error(`No ARN configured for state machine ${stateMachine}`);
      const result = await client.send(
        new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }),
      );
      if (!result.executionArn) throw new Error('StartExecution returned no execution ARN');
      return result.executionArn;
    },
    async stop(executionId, cause) {
      try {
        await client.send(
          new StopExecutionCommand({ executionArn: executionId, cause: cause.slice(0, 32_000) }),
        );
      } catch (error) {
        // Stopping an execution that already ended is not an error for us.
        if (!(error instanceof Error && error.name === 'ExecutionDoesNotExist')) throw error;
      }
    },
    async describe(executionId) {
      try {
        const { status } = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
        if (status === 'PENDING_REDRIVE' || status === 'RUNNING') return { status: 'RUNNING' };
        if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED')
          return { status };
        return { status: 'UNKNOWN' };
      } catch (error) {
        if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return { status: 'UNKNOWN' };
        throw error;
      }
    },
    sendTaskSuccess: (taskToken, output) =>
      stale(() => client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),
    sendTaskFailure: (taskToken, error, cause) =>
      stale(() =>
        client.send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32_000) })),
      ),
  };
}

const LOCAL_STATUSES = {
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  aborted: 'ABORTED',
  timed_out: 'TIMED_OUT',
} as const;

/**
 * The local runner's side: executions and tokens in the embedded database
 * (`local-workflow-store.ts`), the process's own (`getDb`) unless another is given (the CLI's).
 */
export function createLocalWorkflowStarter(
  database: () => Promise<Kysely<Database>> = getDb,
): WorkflowStarter {
  return {
    async start(stateMachine, name, input) {
      return insertLocalExecution(await database(), stateMachine, name, input);
    },
    async stop(executionId) {
      await requestLocalStop(await database(), executionId);
    },
    async describe(executionId) {
      const execution = await findLocalExecution(await database(), executionId);
      const status: ExecutionStatus = !execution
        ? 'UNKNOWN'
        : execution.status === 'pending' || execution.status === 'running'
          ? 'RUNNING'
          : LOCAL_STATUSES[execution.status];
      return { status };
    },
    async sendTaskSuccess(taskToken, output) {
      if (!(await answerLocalTaskToken(await database(), taskToken, { output })))
        throw new StaleTaskTokenError();
    },
    async sendTaskFailure(taskToken, error, cause) {
      if (!(await answerLocalTaskToken(await database(), taskToken, { error, cause })))
        throw new StaleTaskTokenError();
    },
  };
}

/** The starter for this runtime. */
export function createWorkflowStarter(config: Config): WorkflowStarter {
  return config.ASSAY_RUNTIME === 'aws' ? createSfnWorkflowStarter(config) : createLocalWorkflowStarter();
}
