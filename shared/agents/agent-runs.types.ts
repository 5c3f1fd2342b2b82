/**
 * Shapes of the agent-run orchestration (issue 18): the run request, the run,
 * approval, event, artifact and usage views the API returns, and the messages
 * the state machine's steps take and give. The artifacts themselves are typed
 * by the contract in `agents.types.ts`.
 *
 * @module
 */
import { z } from 'zod';
import type { AgentRunStatus } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { text } from '../text/text-schema.ts';
import { uuid } from '../text/uuid.ts';
import {
  ARTIFACT_KINDS,
  type ArtifactKind,
  playwrightFileSchema,
  requirementsSchema,
  testCasesSchema,
  verifyOutcomeSchema,
} from './agents.types.ts';

export type { AgentRunStatus };

/** Every run status; the last six are final. */
export const AGENT_RUN_STATUSES = [
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'timed_out',
  'budget_exceeded',
] as const satisfies readonly AgentRunStatus[];

/** Statuses in which the run's execution is still going. */
export const ACTIVE_RUN_STATUSES = [
  'running',
  'awaiting_approval',
] as const satisfies readonly AgentRunStatus[];

/** True when a run in `status` will not change any more. */
export function isFinalStatus(status: AgentRunStatus): boolean {
  return !(ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

/** `POST /api/v1/orgs/{org}/agent-runs` body. */
export const agentRunRequestSchema = z
  .object({
    repository: text()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name')
      .max(200)
      .optional(),
    issues: z.array(z.number().int().positive().max(2_147_483_647)).max(100).optional(),
    documentIds: z.array(uuid()).max(100).optional(),
    crawlId: uuid().optional(),
    instructions: text().max(4000).optional(),
    approvals: z.enum(['each-stage', 'none']).default('each-stage'),
    /** Tokens this run may spend at most (≥ 1; a run that reaches it ends `budget_exceeded`). */
    tokenBudget: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const issues = value.issues?.length ?? 0;
    const documents = value.documentIds?.length ?? 0;
    if (issues === 0 && documents === 0)
      ctx.addIssue({ code: 'custom', path: ['issues'], message: 'Give at least one issue or document' });
    if (issues > 0 && !value.repository)
      ctx.addIssue({ code: 'custom', path: ['repository'], message: 'Issues need their repository' });
  });
export type AgentRunRequest = z.infer<typeof agentRunRequestSchema>;

/** The verify outcome as `GET …/agent-runs/{id}` shows it. */
export const runVerifySchema = verifyOutcomeSchema;

/** One agent run as the API shows it. */
export const agentRunSchema = z.object({
  id: uuid(),
  status: z.enum(AGENT_RUN_STATUSES),
  /** The stage running or awaiting approval (null once finished). */
  stage: text().nullable(),
  repository: text().nullable(),
  issues: z.array(z.number().int()),
  documentIds: z.array(uuid()),
  crawlId: uuid().nullable(),
  instructions: text().nullable(),
  approvals: z.enum(['each-stage', 'none']),
  tokenBudget: z.number().int().nullable(),
  tokens: z.object({
    prompt: z.number().int(),
    completion: z.number().int(),
    total: z.number().int(),
    byStage: z.record(text(), z.number().int()),
  }),
  model: text().nullable(),
  promptVersions: z.record(text(), text()),
  verify: runVerifySchema.nullable(),
  error: z.object({ code: text(), message: text() }).nullable(),
  requestedBy: text().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type AgentRunView = z.infer<typeof agentRunSchema>;

/** The stages a person approves (the output of the analyst, then of the QA engineer). */
export const APPROVAL_STAGES = ['analyst', 'qa'] as const;
export type ApprovalStage = (typeof APPROVAL_STAGES)[number];

/** One approval as the API shows it (never the task token). */
export const approvalSchema = z.object({
  id: uuid(),
  runId: uuid(),
  stage: z.enum(APPROVAL_STAGES),
  status: z.enum(['pending', 'approved', 'edited', 'rejected', 'expired', 'cancelled']),
  decision: z.enum(['approve', 'edit', 'reject']).nullable(),
  decidedBy: text().nullable(),
  decidedVia: z.enum(['api', 'github']).nullable(),
  comment: text().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** Artifacts the decision is about (their current versions). */
  artifacts: z.array(
    z.object({ id: uuid(), kind: z.enum(ARTIFACT_KINDS), name: text(), version: z.number() }),
  ),
});
export type ApprovalView = z.infer<typeof approvalSchema>;

/** `POST …/approvals/{approvalId}` body. `edit` carries the human's version of the stage's artifacts. */
export const approvalDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'edit', 'reject']),
    comment: text().max(4000).optional(),
    artifacts: z
      .array(z.object({ id: uuid(), content: z.unknown() }).strict())
      .max(1000)
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.decision === 'edit' && (value.artifacts?.length ?? 0) === 0)
      ctx.addIssue({ code: 'custom', path: ['artifacts'], message: 'An edit carries at least one artifact' });
    if (value.decision !== 'edit' && value.artifacts !== undefined)
      ctx.addIssue({ code: 'custom', path: ['artifacts'], message: 'Only an edit carries artifacts' });
  });
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/** Event types a run records. */
export const AGENT_RUN_EVENT_TYPES = [
  'run_started',
  'stage_started',
  'llm_call',
  'artifact_created',
  'artifact_edited',
  'approval_requested',
  'approval_decided',
  'stage_finished',
  'run_finished',
] as const;
export type AgentRunEventType = (typeof AGENT_RUN_EVENT_TYPES)[number];

/** One event as the API (and the SSE stream) shows it. `id` is a decimal string, increasing. */
export const agentRunEventSchema = z.object({
  id: text(),
  type: z.enum(AGENT_RUN_EVENT_TYPES),
  stage: text().nullable(),
  data: z.record(text(), z.unknown()),
  createdAt: z.iso.datetime(),
});
export type AgentRunEventView = z.infer<typeof agentRunEventSchema>;

/** One artifact (at one version) as the API shows it. */
export const artifactSchema = z.object({
  id: uuid(),
  kind: z.enum(ARTIFACT_KINDS),
  name: text(),
  version: z.number().int(),
  /** The latest version (equal to `version` unless an older one was asked for). */
  latestVersion: z.number().int(),
  stage: text(),
  source: z.enum(['agent', 'human']),
  content: z.unknown(),
  createdAt: z.iso.datetime(),
});
export type ArtifactView = z.infer<typeof artifactSchema>;

/** The content schema of each artifact kind (every edit is validated with it). */
export const artifactContentSchemas: Record<ArtifactKind, z.ZodType> = {
  requirements: requirementsSchema,
  'test-cases': testCasesSchema,
  'playwright-test': playwrightFileSchema,
  'verify-report': text().max(5_000_000),
};

/** `GET /api/v1/orgs/{org}/usage`. */
export const usageSchema = z.object({
  month: text(),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }),
  llmCalls: z.number().int(),
  /** `ASSAY_ORG_MONTHLY_TOKEN_BUDGET`, or null when there is none. */
  monthlyBudget: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
});
export type UsageView = z.infer<typeof usageSchema>;

// ---------------------------------------------------------------------------
// Messages of the state machine (ids only: Step Functions carries 256 KB at most)

/** Execution input, and what every step gets. */
export const runRefSchema = z.object({ orgId: uuid(), runId: uuid() });
export type RunRef = z.infer<typeof runRefSchema>;

export const executionInputSchema = runRefSchema.extend({ approvals: z.enum(['each-stage', 'none']) });
export type ExecutionInput = z.infer<typeof executionInputSchema>;

/** A step over one requirement (the QA and automation Map iterations). */
export const requirementStepSchema = runRefSchema.extend({ requirementId: z.string().regex(/^R\d{1,4}$/) });

/** What the analyst step and the first approval give: the ids the Map iterates. */
export const planSchema = z.object({ requirementIds: z.array(z.string()).max(500) });
export type Plan = z.infer<typeof planSchema>;

/** The approval step's input: the stage it asks about and the token that resumes the execution. */
export const approvalStepSchema = runRefSchema.extend({
  stage: z.enum(APPROVAL_STAGES),
  taskToken: z.string().min(1).max(10_000),
});

/** The failure step's input: the error the Catch caught. */
export const failureStepSchema = runRefSchema.extend({
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

/** A step that found its run no longer active (cancelled, already finished): the execution stops. */
export class RunNotActiveError extends DomainError {
  override readonly name = 'RunNotActiveError';
  constructor(message: string) {
    super('run_not_active', message);
  }
}

/** A person rejected the stage's output (SendTaskFailure error name). */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejectedError';
