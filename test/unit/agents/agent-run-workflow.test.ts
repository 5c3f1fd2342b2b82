import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import {
  localTaskArn,
  placeholdersOf,
  substitutePlaceholders,
} from '../../../infra/constructs/workflow-definition.ts';
import { taskBindings } from '../../../infra/local/workflow-engine.ts';
import { topology } from '../../../infra/topology.ts';
import {
  agentRunDefinition,
  approvalTimeoutSeconds,
  definition,
} from '../../../infra/workflows/agent-run.ts';

type Handler = (input: unknown) => Promise<unknown>;

/** Runs the real definition with task states bound to `handlers` (by task name). */
async function execute(input: Record<string, unknown>, handlers: Record<string, Handler>) {
  const visited: string[] = [];
  const overrides: Record<string, (input: never) => Promise<never>> = {};
  type Handlers = NonNullable<
    NonNullable<Parameters<StateMachine['run']>[1]>['overrides']
  >['taskResourceLocalHandlers'];
  for (const [state, binding] of taskBindings(definition)) {
    overrides[state] = (async (value: unknown) => {
      visited.push(state);
      const handler = handlers[binding.task];
      if (!handler) throw new Error(`no handler for ${binding.task}`);
      return handler(binding.callback ? (value as { Payload: unknown }).Payload : value);
    }) as never;
  }
  const machine = new StateMachine(substitutePlaceholders(definition, localTaskArn) as never);
  const run = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: overrides as unknown as Handlers,
      retryIntervalOverrides: { Analyst: 0, QaRequirement: 0 },
    },
    context: { Task: { Token: 'token-1' } } as never,
  });
  try {
    return { output: (await run.result) as Record<string, unknown>, visited };
  } catch (error) {
    return { error: error as Error, visited };
  }
}

const ref = { orgId: '00000000-0000-4000-8000-000000000001', runId: '00000000-0000-4000-8000-000000000002' };
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('agent-run state machine', () => {
  it('is valid Amazon States Language (asl-validator, ARNs substituted)', () => {
    const result = validator(substitutePlaceholders(definition, localTaskArn), {
      checkArn: true,
      checkPaths: true,
    });
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses exactly the tasks of its topology entry', () => {
    expect([...placeholdersOf(definition)].sort()).toEqual(
      Object.keys(topology.stateMachines['agent-run'].tasks).sort(),
    );
  });

  it('waits for approvals as long as ASSAY_APPROVAL_TIMEOUT_HOURS says (72 h by default)', () => {
    expect(approvalTimeoutSeconds(undefined)).toBe(72 * 3600);
    expect(approvalTimeoutSeconds('0.5')).toBe(1800);
    expect(() => approvalTimeoutSeconds('-1')).toThrow(/positive/);
    const states = agentRunDefinition({ approvalTimeoutSeconds: 1800 }).States as Record<
      string,
      { TimeoutSeconds?: number }
    >;
    expect(states.ApproveRequirements?.TimeoutSeconds).toBe(1800);
    expect(states.ApproveTestCases?.TimeoutSeconds).toBe(1800);
  });

  it('passes ids only between states', async () => {
    const seen: unknown[] = [];
    const record = (out: unknown) => async (input: unknown) => {
      seen.push(input);
      return out;
    };
    const { output } = await execute(
      { ...ref, approvals: 'each-stage' },
      {
        analyst: record({ requirementIds: ['R1', 'R2'] }),
        approval: record({ requirementIds: ['R1', 'R2', 'R3'] }),
        qa: record({ requirementId: 'x' }),
        automation: record({ requirementId: 'x' }),
        verify: record({ tests: 3 }),
        finalize: record({ status: 'succeeded' }),
        fail: record({ status: 'failed' }),
      },
    );
    expect(output).toEqual({
      ...ref,
      approvals: 'each-stage',
      plan: { requirementIds: ['R1', 'R2', 'R3'] },
      outcome: { status: 'succeeded' },
    });
    expect(JSON.stringify(seen).length).toBeLessThan(4096);
    // The edited plan of the first approval drives the Maps: three QA and three automation iterations.
    expect(seen.filter((s) => (s as { requirementId?: string }).requirementId === 'R3')).toHaveLength(2);
    expect(seen).toContainEqual({ ...ref, stage: 'analyst', taskToken: 'token-1' });
  });

  it('skips both approvals when approvals is "none"', async () => {
    const ok = (out: unknown) => async () => out;
    const { visited } = await execute(
      { ...ref, approvals: 'none' },
      {
        analyst: ok({ requirementIds: ['R1'] }),
        approval: () => Promise.reject(new Error('approval must not run')),
        qa: ok({ requirementId: 'R1' }),
        automation: ok({ requirementId: 'R1' }),
        verify: ok({ tests: 1 }),
        finalize: ok({ status: 'succeeded' }),
        fail: ok({ status: 'failed' }),
      },
    );
    expect(visited).toEqual(['Analyst', 'QaRequirement', 'AutomateRequirement', 'Verify', 'Finalize']);
  });

  it('retries LlmUnavailableError, then records the failure and fails the execution', async () => {
    let failedWith: unknown;
    const { error, visited } = await execute(
      { ...ref, approvals: 'none' },
      {
        analyst: () => Promise.reject(named('LlmUnavailableError', 'provider down')),
        fail: async (input) => {
          failedWith = input;
          return { status: 'failed' };
        },
      },
    );
    expect(visited).toEqual(['Analyst', 'Analyst', 'Analyst', 'RecordFailure']);
    expect(failedWith).toEqual({ ...ref, error: { Error: 'LlmUnavailableError', Cause: 'provider down' } });
    expect(error?.message).toMatch(/agent run failed/);
  });

  it('ends without failing the execution when the run stopped for a budget, a rejection or a timeout', async () => {
    for (const errorName of ['BudgetExceededError', 'ApprovalRejectedError', 'States.Timeout']) {
      let caught: unknown;
      const { output, visited } = await execute(
        { ...ref, approvals: 'each-stage' },
        {
          analyst: async () => ({ requirementIds: ['R1'] }),
          approval: () => Promise.reject(named(errorName)),
          fail: async (input) => {
            caught = (input as { error: { Error: string } }).error.Error;
            return { status: errorName === 'BudgetExceededError' ? 'budget_exceeded' : 'rejected' };
          },
        },
      );
      expect(visited).toEqual(['Analyst', 'ApproveRequirements', 'RecordFailure']);
      expect(caught).toBe(errorName);
      expect(output).toBeDefined();
    }
  });

  it('catches a failed QA iteration of the Map by its error name', async () => {
    let caught: unknown;
    const { visited } = await execute(
      { ...ref, approvals: 'none' },
      {
        analyst: async () => ({ requirementIds: ['R1', 'R2'] }),
        qa: async (input) => {
          if ((input as { requirementId: string }).requirementId === 'R2')
            throw named('AgentOutputError', 'still invalid');
          return { requirementId: 'R1' };
        },
        fail: async (input) => {
          caught = (input as { error: unknown }).error;
          return { status: 'failed' };
        },
      },
    );
    expect(visited.at(-1)).toBe('RecordFailure');
    expect(caught).toEqual({ Error: 'AgentOutputError', Cause: 'still invalid' });
  });
});
