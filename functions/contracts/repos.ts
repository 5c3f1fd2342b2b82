import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoParams } from './params.ts';

const orgParams = z.object({ org: text().min(1).max(100) });

const commitSha = text().regex(/^[0-9a-f]{40}$/i, 'a 40-character hex commit SHA');

export const repositorySchema = z
  .object({
    owner: text(),
    name: text(),
    fullName: text(),
    private: z.boolean(),
    defaultBranch: text().nullable(),
    installationId: z.number().int(),
    gate: z
      .enum(['all', 'regressions'])
      .describe('What blocks the `Assay` check (set with `PATCH …/settings`)'),
    quarantineFlaky: z.boolean().describe('Flaky tests do not block the check'),
    counts: z.object({
      openIssuesWithChecklists: z.number().int(),
      openPulls: z.number().int(),
    }),
    lastValidation: z
      .object({ conclusion: text(), headSha: text(), updatedAt: z.iso.datetime() })
      .nullable()
      .describe('The most recently updated validation of any commit'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Repository' });

export const getRepos = defineRoute({
  route: 'GET /api/v1/orgs/{org}/repos',
  auth: 'session',
  action: 'repos:read',
  orgParam: 'org',
  summary: 'The organisation’s repositories with their counts',
  description:
    'Repositories the App is installed on, by full name, cursor-paginated: open issues that have a checklist, open pull requests and the latest validation’s conclusion.',
  tags: ['repos'],
  params: orgParams,
  query: z.object({
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ repositories: z.array(repositorySchema), nextCursor: text().nullable() }),
});

export const getRepo = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}',
  auth: 'session',
  action: 'repos:read',
  orgParam: 'owner',
  summary: 'One repository with its settings and counts',
  tags: ['repos'],
  params: repoParams,
  response: repositorySchema,
});

export const ciUploadSchema = z.object({
  id: uuid(),
  runId: text(),
  headSha: text(),
  pullNumber: z.number().int().nullable(),
  ref: text().nullable(),
  authenticatedBy: z
    .enum(['oidc', 'upload_token', 'github_app'])
    .describe(
      '`github_app`: Assay pulled the report from the workflow run’s artifacts with its installation token',
    ),
  source: z
    .enum(['uploaded', 'pulled'])
    .describe(
      '`pulled`: Assay fetched the report from an `assay-*` artifact of a `workflow_run` (fork-safe)',
    ),
  provenance: z
    .object({
      workflowRunId: z.number().int(),
      workflowPath: text().nullable().describe('`.github/workflows/test.yml`'),
      workflowSha: text().nullable().describe('Blob SHA of the workflow file at the head commit'),
      headRepository: text().nullable().describe('`owner/repo` the head commit came from'),
      fromFork: z.boolean(),
      workflowChanged: z
        .boolean()
        .nullable()
        .describe('The pull request changed the workflow file (null: not known)'),
      trusted: z
        .boolean()
        .describe('Its results may prove criteria (same repository, trusted head SHA, or known contributor)'),
    })
    .nullable()
    .describe('Where a pulled report came from; null for uploads'),
  kind: z.enum(['junit', 'code-health', 'ctrf', 'attachment']),
  status: z
    .enum(['issued', 'received', 'processed', 'invalid', 'rejected'])
    .describe('`issued`: a URL was handed out and nothing arrived yet'),
  reason: text().nullable().describe('Why the upload is invalid or was rejected'),
  counts: z.record(text(), z.unknown()).nullable(),
  sizeBytes: z.number().int().nullable(),
  uploadedAt: z.iso.datetime(),
  processedAt: z.iso.datetime().nullable(),
});

export const getCiRuns = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/ci-runs',
  auth: 'session',
  action: 'ci-runs:read',
  orgParam: 'owner',
  summary: 'The reports CI uploaded for a repository and what became of them',
  description:
    'Every upload Assay issued a URL for, newest first, cursor-paginated: kind, status (`processed`; `invalid` or `rejected` with the reason), counts and times. `sha` keeps one commit’s, `pull` one pull request’s.',
  tags: ['ci'],
  params: repoParams,
  query: z.object({
    sha: commitSha.optional(),
    pull: z.coerce.number().int().positive().max(2_147_483_647).optional(),
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ uploads: z.array(ciUploadSchema), nextCursor: text().nullable() }),
});

export const webhookDeliverySchema = z
  .object({
    id: text().describe('GitHub’s X-GitHub-Delivery'),
    event: text(),
    action: text().nullable(),
    status: z.enum(['received', 'processed', 'ignored', 'failed']),
    reason: text().nullable().describe('Why it was ignored, or the error it failed with'),
    outcome: text().nullable(),
    attempts: z.number().int(),
    installationId: z.number().int().nullable(),
    payloadBytes: z.number().int(),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const getWebhookDeliveries = defineRoute({
  route: 'GET /api/v1/orgs/{org}/webhook-deliveries',
  auth: 'session',
  action: 'webhook-deliveries:read',
  orgParam: 'org',
  summary: 'The GitHub webhook deliveries of the organisation’s installations',
  description:
    'Newest first, cursor-paginated; filter by `status` and `event`. Each with what became of it and why.',
  tags: ['webhooks'],
  params: orgParams,
  query: z.object({
    status: z.enum(['received', 'processed', 'ignored', 'failed']).optional(),
    event: text().min(1).max(100).optional(),
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ deliveries: z.array(webhookDeliverySchema), nextCursor: text().nullable() }),
});

export const postWebhookRedeliver = defineRoute({
  route: 'POST /api/v1/orgs/{org}/webhook-deliveries/{id}/redeliver',
  auth: 'session',
  action: 'webhook-deliveries:redeliver',
  orgParam: 'org',
  summary: 'Process a webhook delivery again',
  description:
    'Puts the delivery back to `received` and on the intake queue (audited as `webhook.redelivered`). Processing is idempotent.',
  tags: ['webhooks'],
  params: orgParams.extend({ id: text().regex(/^[\w.:-]{1,100}$/, 'a delivery id') }),
  successStatus: 202,
  response: webhookDeliverySchema,
});
