import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  ExecutionAbortedError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { Kysely } from 'kysely';
import {
  claimLocalExecutions,
  createLocalTaskToken,
  expireLocalTaskToken,
  finishLocalExecution,
  type LocalExecution,
  localWorkflowSignals,
  readLocalTaskToken,
  stopRequestedLocalExecutions,
} from '../../shared/adapters/local-workflow-store.ts';
import {
  type AslDefinition,
  localTaskArn,
  placeholdersOf,
  substitutePlaceholders,
} from '../constructs/workflow-definition.ts';
import type { StateMachineEntry } from '../topology.types.ts';
import { loadHandler } from './handler-loader.ts';
import { createLambdaContext } from './lambda-context.ts';

type StepFunction = (event: unknown, context: Context) => Promise<unknown>;
type JsonValue = Parameters<StateMachine['run']>[0];

/** Executions a process restart may resume before they are given up as failed. */
export const MAX_LOCAL_ATTEMPTS = 3;

export interface WorkflowEngineOptions {
  root: string;
  // biome-ignore lint/suspicious/noExplicitAny: the engine only touches its own schema.
  db: Kysely<any>;
  machines: Readonly<Record<string, StateMachineEntry>>;
  definitions: Readonly<Record<string, AslDefinition>>;
  /** How often new executions, stop requests and task tokens are looked for (default 250 ms). */
  pollIntervalMs?: number;
  onError?: (execution: string, error: unknown) => void;
  /** Called when an execution ends (the local runtime's terminal line). */
  onFinished?: (execution: { id: string; status: string; ms: number }) => void;
}

/** A task state of a definition: its name, its task (placeholder) and whether it waits for a token. */
interface TaskBinding {
  task: string;
  callback: boolean;
  timeoutSeconds: number | undefined;
}

/** Every Task state of a definition (nested Map and Parallel states included), by state name. */
export function taskBindings(definition: {
  States: Readonly<Record<string, unknown>>;
}): Map<string, TaskBinding> {
  const found = new Map<string, TaskBinding>();
  const visit = (states: Readonly<Record<string, unknown>>) => {
    for (const [name, raw] of Object.entries(states)) {
      const state = raw as {
        Type?: string;
        Resource?: string;
        TimeoutSeconds?: number;
        Parameters?: { FunctionName?: string };
        ItemProcessor?: { States: Record<string, unknown> };
        Iterator?: { States: Record<string, unknown> };
        Branches?: { States: Record<string, unknown> }[];
      };
      if (state.Type === 'Task') {
        const callback = (state.Resource ?? '').endsWith('.waitForTaskToken');
        const ref = callback ? state.Parameters?.FunctionName : state.Resource;
        const [task] = placeholdersOf({ StartAt: name, States: { [name]: ref ?? '' } });
        if (!task) throw new Error(`Task state ${name} names no \${task} placeholder`);
        if (found.has(name)) throw new Error(`Two task states are named ${name}`);
        found.set(name, { task, callback, timeoutSeconds: state.TimeoutSeconds });
      }
      const nested = state.ItemProcessor ?? state.Iterator;
      if (nested) visit(nested.States);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}

/** The error an answered-with-failure token raises in the waiting state (matched by name). */
class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * The local stand-in for Step Functions: runs the topology's state machines
 * with `aws-local-stepfunctions`, each Task state bound by name to its step
 * handler (the same module Lambda runs). Executions and task tokens are kept
 * in the embedded database (`shared/adapters/local-workflow-store.ts`), so:
 * - the API starts, stops and answers executions from any process;
 * - a `.waitForTaskToken` state gets a fresh token (what `$$.Task.Token` is on
 *   AWS), passed to its step in the payload, and waits until the token is
 *   answered (SendTaskSuccess/Failure through the workflow-starter port), its
 *   `TimeoutSeconds` passes (States.Timeout), or the execution stops;
 * - an execution whose process stopped is claimed again when the runtime
 *   restarts and replayed from the start: steps are idempotent and a decided
 *   approval answers at once, so the replay resumes where it was. After
 *   {@link MAX_LOCAL_ATTEMPTS} claims it is given up: the machine's `fail`
 *   task (when it has one) records the failure on the run, never left running.
 */
export class LocalWorkflowEngine {
  readonly owner = `local-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly executions = new Map<
    string,
    { abort: () => void; done: Promise<void>; waits: AbortController }
  >();
  private wake: (() => void) | undefined;
  private readonly signal = () => this.wake?.();

  constructor(private readonly options: WorkflowEngineOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    localWorkflowSignals.on('execution', this.signal);
    localWorkflowSignals.on('stop', this.signal);
    this.loop = this.poll();
  }

  /**
   * Stops claiming and abandons executions in flight (they stay `running`
   * under this owner, so the next start of the runtime resumes them).
   */
  async stop(): Promise<void> {
    this.running = false;
    localWorkflowSignals.off('execution', this.signal);
    localWorkflowSignals.off('stop', this.signal);
    this.wake?.();
    await this.loop;
    for (const execution of this.executions.values()) {
      execution.waits.abort();
      execution.abort();
    }
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
    this.executions.clear();
  }

  /** Executions running in this process now. */
  get busy(): number {
    return this.executions.size;
  }

  /** Claims and starts new executions and aborts the ones asked to stop, once. */
  async pollOnce(): Promise<void> {
    const db = this.options.db;
    for (const id of await stopRequestedLocalExecutions(db, this.owner)) this.executions.get(id)?.abort();
    if (!this.running) return;
    for (const execution of await claimLocalExecutions(db, this.owner, [])) this.begin(execution);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.options.onError?.('(poll)', error);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, this.options.pollIntervalMs ?? 250);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  private begin(execution: LocalExecution): void {
    const waits = new AbortController();
    let abort: () => void = () => undefined;
    const started = performance.now();
    const done = (async () => {
      const entry = this.options.machines[execution.stateMachine];
      const definition = this.options.definitions[execution.stateMachine];
      if (!entry || !definition) {
        await finishLocalExecution(
          this.options.db,
          execution.id,
          this.owner,
          'failed',
          'Unknown state machine',
        );
        return;
      }
      if (execution.attempts > MAX_LOCAL_ATTEMPTS) {
        await this.giveUp(
          execution,
          entry,
          `The local runtime stopped during this execution ${MAX_LOCAL_ATTEMPTS} times`,
        );
        return;
      }
      const handlers = this.handlersFor(execution, entry, definition, waits.signal);
      const machine = new StateMachine(
        substitutePlaceholders(definition, localTaskArn) as unknown as StateMachineDefinition,
      );
      const run = machine.run(execution.input as JsonValue, {
        overrides: { taskResourceLocalHandlers: handlers },
        context: {
          Execution: { Id: execution.id, Name: execution.id.split(':').at(-1), Input: execution.input },
          StateMachine: { Id: execution.stateMachine, Name: execution.stateMachine },
          Task: { Token: 'replaced-per-task' },
        } as never,
      });
      abort = run.abort;
      let status: 'succeeded' | 'failed' | 'aborted' | 'timed_out' = 'succeeded';
      let error: string | undefined;
      try {
        await run.result;
      } catch (caught) {
        if (caught instanceof ExecutionAbortedError) status = 'aborted';
        else if (caught instanceof ExecutionTimeoutError) status = 'timed_out';
        else {
          status = 'failed';
          error = caught instanceof Error ? caught.message : String(caught);
        }
      }
      waits.abort();
      // An execution whose process stopped meanwhile is left for the next start to resume.
      if (status === 'aborted' && !this.running) return;
      await finishLocalExecution(this.options.db, execution.id, this.owner, status, error);
      this.options.onFinished?.({ id: execution.id, status, ms: performance.now() - started });
    })()
      .catch((error: unknown) => this.options.onError?.(execution.id, error))
      .finally(() => this.executions.delete(execution.id));
    this.executions.set(execution.id, { abort: () => abort(), done, waits });
  }

  /** Ends an execution that cannot be resumed, recording the failure through the machine's `fail` task. */
  private async giveUp(execution: LocalExecution, entry: StateMachineEntry, cause: string): Promise<void> {
    const fail = entry.tasks.fail;
    if (fail) {
      const handler = await loadHandler<StepFunction>(this.options.root, fail.handler);
      const input = execution.input as Record<string, unknown>;
      await handler(
        { ...input, error: { Error: 'States.Runtime', Cause: cause } },
        createLambdaContext('fail', 60),
      );
    }
    await finishLocalExecution(this.options.db, execution.id, this.owner, 'failed', cause);
  }

  private handlersFor(
    execution: LocalExecution,
    entry: StateMachineEntry,
    definition: AslDefinition,
    signal: AbortSignal,
  ): Record<string, (input: JsonValue) => Promise<JsonValue>> {
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const [stateName, binding] of taskBindings(definition)) {
      const spec = entry.tasks[binding.task];
      if (!spec) throw new Error(`State ${stateName} names task ${binding.task}, which the topology lacks`);
      const invoke = async (payload: unknown) => {
        const handler = await loadHandler<StepFunction>(this.options.root, spec.handler);
        return handler(
          payload,
          createLambdaContext(
            `${execution.stateMachine}-${binding.task}`,
            spec.timeoutSeconds ?? 30,
            spec.memoryMb,
          ),
        );
      };
      handlers[stateName] = binding.callback
        ? async (input) => {
            const { Payload } = input as { Payload?: Record<string, unknown> };
            const token = await createLocalTaskToken(this.options.db, execution.id);
            // When the state times out its token stops resuming anything (a late decision is stale).
            const expiry =
              binding.timeoutSeconds === undefined
                ? undefined
                : setTimeout(
                    () => void expireLocalTaskToken(this.options.db, token).catch(() => undefined),
                    binding.timeoutSeconds * 1000,
                  );
            try {
              await invoke({ ...Payload, taskToken: token });
              return (await this.waitForToken(token, signal)) as JsonValue;
            } finally {
              clearTimeout(expiry);
            }
          }
        : async (input) => (await invoke(input)) as JsonValue;
    }
    return handlers;
  }

  /** Resolves with the token's output, or throws its failure (by name), once it is answered. */
  private async waitForToken(token: string, signal: AbortSignal): Promise<unknown> {
    while (!signal.aborted) {
      const state = await readLocalTaskToken(this.options.db, token);
      if (state?.status === 'succeeded') return state.output;
      if (state?.status === 'failed')
        throw new TaskFailure(state.error ?? 'States.TaskFailed', state.cause ?? '');
      if (!state || state.status === 'expired')
        throw new TaskFailure('States.TaskFailed', 'The task token expired');
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          localWorkflowSignals.off('token', onToken);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const onToken = (answered: string) => {
          if (answered === token) done();
        };
        const timer = setTimeout(done, Math.max(this.options.pollIntervalMs ?? 250, 500));
        localWorkflowSignals.on('token', onToken);
        signal.addEventListener('abort', done);
      });
    }
    throw new TaskFailure('States.TaskFailed', 'The execution stopped');
  }
}
