import { z } from 'zod';
import {
  agentRunEventSchema,
  agentRunRequestSchema,
  agentRunSchema,
  approvalDecisionSchema,
  approvalSchema,
  artifactSchema,
  usageSchema,
} from '../../shared/agents/agent-runs.types.ts';
import { ARTIFACT_KINDS, tidSchema } from '../../shared/agents/agents.types.ts';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { intParam } from './params.ts';

const orgParams = z.object({ org: text().min(1).max(100) });
const runParams = orgParams.extend({ id: uuid() });
const approvalParams = runParams.extend({ approvalId: uuid() });
const artifactParams = runParams.extend({ artifactId: uuid() });
const tags = ['agents'];

export const postAgentRun = defineRoute({
  route: 'POST /api/v1/orgs/{org}/agent-runs',
  auth: 'session',
  action: 'agent-runs:create',
  orgParam: 'org',
  summary: 'Start an agent run',
  description:
    'Runs the agent pipeline over issues (their checklists and TIDs) and/or requirement documents: analyst → approval → ' +
    'QA engineer → approval → automation engineer → verify → finalize, on Step Functions (locally the same state ' +
    'machine). At least one of `issues` (with `repository`) and `documentIds`. `approvals: "none"` skips the approvals. ' +
    '`tokenBudget` (≥ 1) bounds the tokens of this run; it and `ASSAY_ORG_MONTHLY_TOKEN_BUDGET` end the run ' +
    '`budget_exceeded` when spent. Unknown repository, issue, document or crawl (or another organisation’s) → 404; ' +
    'a crawl still running → 409 `crawl_not_finished`.',
  tags,
  params: orgParams,
  body: agentRunRequestSchema,
  response: z.object({ run: z.object({ id: uuid(), status: z.literal('running') }) }),
  successStatus: 202,
  errors: {
    404: 'A repository, issue, document or crawl is unknown in this organisation',
    409: 'The crawl has not finished',
  },
});

export const getAgentRuns = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "An organisation's agent runs",
  description: 'Newest first, cursor-paginated.',
  tags,
  params: orgParams,
  query: z.object({
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ runs: z.array(agentRunSchema), nextCursor: text().nullable() }),
});

export const getAgentRun = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: 'One agent run',
  description:
    'Status (running, awaiting_approval, succeeded, failed, rejected, cancelled, timed_out, budget_exceeded), the stage, ' +
    'tokens (per stage), model and prompt versions, and `verify: { typecheck, locatorsMissing, tests, passed, failed, skipped, ' +
    'proving, vacuous, results: [{ title, tid, outcome: proving | vacuous | failed | not_run }] }` once verified. ' +
    '`proving` means the test can fail (it failed on a mutant of the app in which what it asserts is broken), not ' +
    'that it tests the right thing: that stays the approver’s judgement.',
  tags,
  params: runParams,
  response: agentRunSchema,
});

export const postAgentRunCancel = defineRoute({
  route: 'POST /api/v1/orgs/{org}/agent-runs/{id}/cancel',
  auth: 'session',
  action: 'agent-runs:cancel',
  orgParam: 'org',
  summary: 'Cancel an agent run',
  description:
    'Stops the execution; the run is `cancelled`. Cancelling again answers the same; a finished run → 409 `run_finished`.',
  tags,
  params: runParams,
  response: agentRunSchema,
  errors: { 409: 'The run has already finished' },
});

export const getAgentRunApprovals = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/approvals',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "An agent run's approvals",
  description: 'One per approved stage (analyst, qa), with the artifacts it covers.',
  tags,
  params: runParams,
  response: z.object({ approvals: z.array(approvalSchema) }),
});

export const postAgentRunApproval = defineRoute({
  route: 'POST /api/v1/orgs/{org}/agent-runs/{id}/approvals/{approvalId}',
  auth: 'session',
  action: 'agent-runs:decide',
  orgParam: 'org',
  summary: 'Decide an approval',
  description:
    '`approve` continues the run; `edit` stores `artifacts: [{ id, content }]` (artifacts of the stage, validated for ' +
    'their kind) as new versions and continues with them; `reject` ends the run `rejected`. Decided once: again → 409 ' +
    '`approval_decided`; a finished run → 409 `run_finished`; the approval timed out meanwhile → 409 `approval_expired`. Audited.',
  tags,
  params: approvalParams,
  body: approvalDecisionSchema,
  response: approvalSchema,
  errors: { 409: 'Already decided, run finished, or the approval expired' },
});

export const getAgentRunEvents = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/events',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "An agent run's events (polling)",
  description:
    'In order, after the event id `after` (exclusive), at most 500: `run_started`, `stage_started`, `llm_call`, ' +
    '`artifact_created`, `artifact_edited`, `approval_requested`, `approval_decided`, `stage_finished`, `run_finished`.',
  tags,
  params: runParams,
  query: z.object({
    after: text()
      .regex(/^\d{1,18}$/, 'an event id')
      .optional(),
  }),
  response: z.object({ events: z.array(agentRunEventSchema), status: agentRunSchema.shape.status }),
});

export const getAgentRunEventsStream = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/events/stream',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "An agent run's events (Server-Sent Events)",
  description:
    'Each event as `id: <event id>`, `event: <type>`, `data: <event JSON>`; a `: heartbeat` comment while idle; ' +
    '`event: end` once the run has finished and every event was sent. Resumes after `Last-Event-ID` (or `?after=`). ' +
    'On AWS served from a Lambda function URL with response streaming (the `EventsStreamUrl` output), ' +
    'authenticated the same way (bearer token or session cookie).',
  tags,
  params: runParams,
  query: z.object({
    after: text()
      .regex(/^\d{1,18}$/, 'an event id')
      .optional(),
  }),
  produces: 'text/event-stream',
});

export const getAgentRunArtifacts = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "An agent run's artifacts",
  description:
    'Requirements, test cases, Playwright files and the verify report, each at its latest version.',
  tags,
  params: runParams,
  query: z.object({ kind: z.enum(ARTIFACT_KINDS).optional() }),
  response: z.object({ artifacts: z.array(artifactSchema) }),
});

export const getAgentRunArtifact = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: 'One artifact',
  description: 'At its latest version, or at `version`.',
  tags,
  params: artifactParams,
  query: z.object({ version: intParam().optional() }),
  response: artifactSchema,
});

export const putAgentRunArtifact = defineRoute({
  route: 'PUT /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}',
  auth: 'session',
  action: 'agent-runs:edit',
  orgParam: 'org',
  summary: 'Edit an artifact',
  description:
    'Stores `content` as a new version (validated for the artifact’s kind: 400 naming each failing field). Audited. ' +
    'A finished or cancelled run is read-only → 409 `run_finished` (promotion is the one change it accepts); the ' +
    'verify report is never editable → 409 `artifact_read_only`.',
  tags,
  params: artifactParams,
  body: z.object({ content: z.unknown() }).strict(),
  response: artifactSchema,
  errors: { 409: 'The run has finished, or the artifact is the verify report' },
});

export const postAgentRunArtifactPromote = defineRoute({
  route: 'POST /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}/promote',
  auth: 'session',
  action: 'agent-runs:promote',
  orgParam: 'org',
  summary: 'Promote a draft test',
  description:
    'A generated test keeps its TID only when verify saw it pass on the app and fail on a mutant in which what it ' +
    'asserts is broken; the others are drafts titled `R2.3::…`. A person who judges a draft proves its criterion ' +
    'gives it its TID back: `{ title }` names the test as the file has it now, `tid` (default: the TID verify ' +
    'recorded for it) must be a criterion of the run. A new version of the file with the test titled `T12::…` and ' +
    '`promotions: [{ title, tid, promotedBy, promotedAt }]`. Allowed on a finished run (the one change it accepts). ' +
    'Audited (`agent_run.test_promoted`). Unknown test → 404 `test_not_found`; a test that carries a TID → 409 ' +
    '`already_proving`; an unknown TID → 400.',
  tags,
  params: artifactParams,
  body: z.object({ title: text().min(1).max(1000), tid: tidSchema.optional() }).strict(),
  response: artifactSchema,
  errors: { 404: 'Unknown artifact or test', 409: 'The test already carries its TID' },
});

export const getAgentRunExport = defineRoute({
  route: 'GET /api/v1/orgs/{org}/agent-runs/{id}/export.zip',
  auth: 'session',
  action: 'agent-runs:read',
  orgParam: 'org',
  summary: "Download an agent run's artifacts",
  description:
    'A ZIP: requirements as Markdown, test cases as Markdown and CSV, the Playwright files, the verify report and a ' +
    'manifest. Streamed into the bucket and answered with a redirect (302) to a presigned GET valid 15 minutes, so ' +
    'its size is not bound by API Gateway’s 6 MB response limit.',
  tags,
  params: runParams,
  produces: 'application/zip',
  successStatus: 302,
});

export const getUsage = defineRoute({
  route: 'GET /api/v1/orgs/{org}/usage',
  auth: 'session',
  action: 'usage:read',
  orgParam: 'org',
  summary: "The organisation's LLM token usage this month",
  description:
    'Tokens (prompt, completion, total) and calls this calendar month (UTC), and what is left of `ASSAY_ORG_MONTHLY_TOKEN_BUDGET`.',
  tags,
  params: orgParams,
  response: usageSchema,
});
