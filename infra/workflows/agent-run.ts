/**
 * The agent run (issue 18) as one Amazon States Language definition
 * (JSONPath): analyst → approval → QA (a Map over requirement ids) →
 * approval → automation (a Map) → verify → finalize. `approvals: "none"`
 * skips both approvals (Choice states). Every error a step may raise is
 * retried or caught by name and leads to `RecordFailure`, which ends the run
 * with the status the error means (see `failureOutcome`).
 *
 * Run by Step Functions on AWS (task placeholders become function ARNs) and
 * by `aws-local-stepfunctions` on one machine (tasks bound by state name to
 * the same step handlers, `infra/local/workflow-engine.ts`). States carry ids
 * only — `{ orgId, runId, approvals, plan: { requirementIds } }` — never
 * artifacts (Step Functions carries 256 KB at most).
 *
 * The approval wait (`TimeoutSeconds`) comes from `ASSAY_APPROVAL_TIMEOUT_HOURS`
 * (default 72) in the environment that loads this module: the local runtime's,
 * or the one `cdk synth` runs in.
 */
import { type AslDefinition, taskRef } from '../constructs/workflow-definition.ts';

/** How many requirements the QA and automation Maps work on at once (bounds LLM parallelism). */
export const AGENT_MAP_CONCURRENCY = 4;

/** Longest a step may run, in seconds (Lambda's own maximum). */
const STEP_TIMEOUT_SECONDS = 900;

/** Approval wait in seconds from `ASSAY_APPROVAL_TIMEOUT_HOURS` (hours, fractions allowed; default 72). */
export function approvalTimeoutSeconds(
  hours: string | undefined = process.env.ASSAY_APPROVAL_TIMEOUT_HOURS,
): number {
  const parsed = hours === undefined || hours.trim() === '' ? 72 : Number(hours);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`ASSAY_APPROVAL_TIMEOUT_HOURS must be a positive number, got "${hours}"`);
  return Math.max(1, Math.round(parsed * 3600));
}

/** Errors of the Lambda service itself, worth a quick retry. */
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const retry = [
  { ErrorEquals: ['LlmUnavailableError'], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2 },
  { ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
];

/** Every failure goes to RecordFailure with the error in `$.error` (the state's ids are kept). */
const catchAll = [
  {
    ErrorEquals: [
      'BudgetExceededError',
      'AgentOutputError',
      'LlmUnavailableError',
      'ApprovalRejectedError',
      'RunNotActiveError',
      'States.Timeout',
    ],
    ResultPath: '$.error',
    Next: 'RecordFailure',
  },
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
];

const ids = { 'orgId.$': '$.orgId', 'runId.$': '$.runId' };

/**
 * A step task over the run's ids. Inside a Map's processor (`caught: false`)
 * errors are left to the Map's own Catch: a nested state cannot reach RecordFailure.
 */
function step(
  task: string,
  next: string | undefined,
  resultPath: string | null,
  extra: Record<string, unknown> = {},
  caught = true,
) {
  return {
    Type: 'Task',
    Resource: taskRef(task),
    Parameters: { ...ids, ...extra },
    ResultPath: resultPath,
    TimeoutSeconds: STEP_TIMEOUT_SECONDS,
    Retry: retry,
    ...(caught ? { Catch: catchAll } : {}),
    ...(next ? { Next: next } : { End: true }),
  };
}

/** A human approval: the approval step records the task token; the execution waits for the decision. */
function approval(stage: 'analyst' | 'qa', next: string, resultPath: string | null, timeoutSeconds: number) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: taskRef('approval'),
      Payload: { ...ids, stage, 'taskToken.$': '$$.Task.Token' },
    },
    ResultPath: resultPath,
    TimeoutSeconds: timeoutSeconds,
    Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
    Catch: catchAll,
    Next: next,
  };
}

/** A Map over the approved requirement ids, one `task` per requirement. */
function perRequirement(task: string, stateName: string, next: string) {
  return {
    Type: 'Map',
    ItemsPath: '$.plan.requirementIds',
    ItemSelector: { ...ids, 'requirementId.$': '$$.Map.Item.Value' },
    MaxConcurrency: AGENT_MAP_CONCURRENCY,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: stateName,
      States: { [stateName]: step(task, undefined, null, { 'requirementId.$': '$.requirementId' }, false) },
    },
    ResultPath: null,
    Catch: catchAll,
    Next: next,
  };
}

/** The definition, with the approval wait given in seconds. */
export function agentRunDefinition(options: { approvalTimeoutSeconds: number }): AslDefinition {
  const wait = options.approvalTimeoutSeconds;
  return {
    Comment: 'Assay agent run: analyst → approval → QA → approval → automation → verify → finalize',
    StartAt: 'Analyst',
    States: {
      Analyst: step('analyst', 'RequirementsApproval?', '$.plan'),
      'RequirementsApproval?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.approvals', StringEquals: 'none', Next: 'Qa' }],
        Default: 'ApproveRequirements',
      },
      // The decision's output is the plan of the approved (maybe edited) requirements.
      ApproveRequirements: approval('analyst', 'Qa', '$.plan', wait),
      Qa: perRequirement('qa', 'QaRequirement', 'TestCasesApproval?'),
      'TestCasesApproval?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.approvals', StringEquals: 'none', Next: 'Automation' }],
        Default: 'ApproveTestCases',
      },
      ApproveTestCases: approval('qa', 'Automation', null, wait),
      Automation: perRequirement('automation', 'AutomateRequirement', 'Verify'),
      Verify: step('verify', 'Finalize', null),
      Finalize: step('finalize', undefined, '$.outcome'),
      RecordFailure: {
        Type: 'Task',
        Resource: taskRef('fail'),
        Parameters: { ...ids, 'error.$': '$.error' },
        ResultPath: '$.outcome',
        TimeoutSeconds: 60,
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
        Next: 'Failed?',
      },
      // Failed runs fail the execution (the alarm counts them); rejected, cancelled, timed-out
      // and over-budget runs ended as their owners or limits decided.
      'Failed?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.outcome.status', StringEquals: 'failed', Next: 'RunFailed' }],
        Default: 'RunStopped',
      },
      RunFailed: {
        Type: 'Fail',
        Error: 'AgentRunFailed',
        Cause: 'The agent run failed; its error is on the run',
      },
      RunStopped: { Type: 'Succeed' },
    },
  };
}

/** The definition the topology loads (`stateMachines['agent-run'].definition`). */
export const definition: AslDefinition = agentRunDefinition({
  approvalTimeoutSeconds: approvalTimeoutSeconds(),
});
