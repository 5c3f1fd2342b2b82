import { z } from 'zod';
import { runIdSchema } from '../../shared/ci/upload-kinds.ts';
import { text } from '../../shared/text/text-schema.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { itemStatusSchema } from './issues.ts';
import { repoNumberParams, repoParams } from './params.ts';

const severityCountsSchema = z.record(text(), z.number().int()).meta({ example: { critical: 0, high: 1 } });

const baseComparisonSchema = z
  .object({
    branch: text(),
    score: z
      .number()
      .int()
      .nullable()
      .describe('The latest score on the base branch; null when it has none yet'),
    delta: z.number().int().nullable().describe('score − base score'),
  })
  .nullable();

export const codeHealthRunSchema = z
  .object({
    runId: text(),
    headSha: text(),
    branch: text().nullable(),
    pullNumber: z.number().int().nullable(),
    reports: z.number().int(),
    formats: z.array(text()),
    score: z.number().int().min(0).max(100),
    counts: severityCountsSchema,
    findingsTotal: z.number().int(),
    base: baseComparisonSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'CodeHealthRun' });

export const getCodeHealthRuns = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/code-health',
  auth: 'session',
  action: 'code-health:read',
  orgParam: 'owner',
  summary: 'Code-health scores of a repository’s CI runs',
  description:
    'Newest first. Each run’s code-health reports are scored together (0–100, formula in the README) and compared with the latest run on the base branch (a pull request’s base, else the default branch).',
  tags: ['code-health'],
  params: repoParams,
  query: z.object({
    branch: text().min(1).max(255).optional(),
    cursor: text().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ runs: z.array(codeHealthRunSchema), nextCursor: text().nullable() }),
});

export const getCodeHealthRun = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/code-health/{runId}',
  auth: 'session',
  action: 'code-health:read',
  orgParam: 'owner',
  summary: 'One CI run’s code health with its findings',
  description: 'The first 1,000 findings are kept; `findingsTotal`, `counts` and `score` cover all of them.',
  tags: ['code-health'],
  params: repoParams.extend({ runId: runIdSchema }),
  response: codeHealthRunSchema.extend({
    findings: z.array(
      z.object({
        rule: text(),
        severity: text(),
        file: text().optional(),
        line: z.number().int().optional(),
        message: text(),
        baselineState: z.enum(['new', 'unchanged', 'updated']).optional(),
        ruleIndexMismatch: z.object({ ruleIndex: z.number().int(), ruleIdAtIndex: text() }).optional(),
      }),
    ),
  }),
});

/** What Assay knows about one commit: its validation, the reports received for it and its code health. */
export const commitValidationSchema = z.object({
  headSha: z.string(),
  validation: z
    .object({
      conclusion: z.string(),
      reports: z.number().int(),
      counts: z.record(z.string(), z.number().int()),
      updatedAt: z.iso.datetime(),
      items: z.array(
        z.object({
          tid: z.string(),
          text: z.string(),
          issue: z.object({ owner: z.string(), repo: z.string(), number: z.number().int() }),
          status: itemStatusSchema,
          flaky: z.boolean(),
          tests: z.number().int(),
          passed: z.number().int(),
          failed: z.number().int(),
          errored: z.number().int(),
          skipped: z.number().int(),
        }),
      ),
    })
    .nullable(),
  reports: z.array(
    z.object({
      runId: z.string(),
      kind: z.enum(['junit', 'code-health', 'ctrf', 'attachment']),
      status: z.string(),
      error: z.string().nullable(),
      uploadedAt: z.iso.datetime(),
    }),
  ),
  codeHealth: z
    .object({
      score: z.number().int(),
      counts: severityCountsSchema,
      findingsTotal: z.number().int(),
      base: baseComparisonSchema,
    })
    .nullable(),
});

export const getPullValidation = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/pulls/{number}/validation',
  auth: 'session',
  action: 'pulls:read',
  orgParam: 'owner',
  summary: 'The full validation of a pull request’s head',
  description:
    'Every expected criterion with its status and test counts, the reports received for the commit and its code health. The `Assay` check links here when its summary table had to be cut. `sha` picks an earlier head.',
  tags: ['pulls'],
  params: repoNumberParams,
  query: z.object({
    sha: text()
      .regex(/^[0-9a-f]{40}$/i, 'a 40-character hex commit SHA')
      .optional(),
  }),
  response: commitValidationSchema.extend({
    number: z.number().int(),
    current: z.boolean().describe('Whether headSha is the pull request’s current head'),
  }),
});

export const getCommitValidation = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/commits/{sha}/validation',
  auth: 'session',
  action: 'pulls:read',
  orgParam: 'owner',
  summary: 'The validation of any commit, with or without a pull request',
  description:
    'Every expected criterion with its status and test counts (when a pull request at this head has a manifest), the reports received for the commit (with the reason for an invalid one) and its code health, plus the pull requests whose head it is. A commit Assay has heard nothing about has `validation: null` and no reports.',
  tags: ['pulls'],
  params: repoParams.extend({
    sha: text().regex(/^[0-9a-f]{40}$/i, 'a 40-character hex commit SHA'),
  }),
  response: commitValidationSchema.extend({
    pulls: z.array(z.object({ number: z.number().int(), state: z.enum(['open', 'closed']) })),
  }),
});
