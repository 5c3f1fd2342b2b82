import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoNumberParams, repoParams } from './params.ts';

const issueParams = repoNumberParams;

export const itemStatusSchema = z.enum(['passed', 'failed', 'skipped', 'missing']);

export const checklistItemSchema = z
  .object({
    tid: text().meta({ example: 'T12' }),
    text: text(),
    source: z.enum(['section', 'gherkin', 'tasklist', 'modal', 'llm']),
    status: itemStatusSchema,
    provenAt: z.iso.datetime().nullable(),
    provenSha: text().nullable(),
  })
  .meta({ id: 'ChecklistItem' });

const issueSummarySchema = z.object({
  number: z.number().int(),
  title: text(),
  state: z.enum(['open', 'closed']),
  htmlUrl: text().nullable(),
  checklist: z
    .object({ version: z.number().int(), items: z.number().int(), proven: z.number().int() })
    .nullable(),
});

export const getIssues = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/issues',
  auth: 'session',
  action: 'issues:read',
  orgParam: 'owner',
  summary: 'Issues of a repository with their checklists',
  tags: ['checklists'],
  params: repoParams,
  query: z.object({
    state: z.enum(['open', 'closed', 'all']).default('all'),
    cursor: text()
      .regex(/^\d{1,10}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ issues: z.array(issueSummarySchema), nextCursor: text().nullable() }),
});

export const getIssue = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/issues/{number}',
  auth: 'session',
  action: 'issues:read',
  orgParam: 'owner',
  summary: 'An issue with its checklist',
  description: 'Each active item with its TID, text, source and latest status; retired items listed apart.',
  tags: ['checklists'],
  params: issueParams,
  response: issueSummarySchema.omit({ checklist: true }).extend({
    author: text().nullable(),
    checklist: z
      .object({
        version: z.number().int(),
        truncated: z.boolean(),
        totalFound: z.number().int(),
        usedLlm: z.boolean(),
        items: z.array(checklistItemSchema),
        retired: z.array(
          z.object({ tid: text(), text: text(), retiredInVersion: z.number().int().nullable() }),
        ),
      })
      .nullable(),
  }),
});

export const postIssueRegenerate = defineRoute({
  route: 'POST /api/v1/repos/{owner}/{repo}/issues/{number}/regenerate',
  auth: 'session',
  action: 'issues:regenerate',
  orgParam: 'owner',
  summary: "Regenerate an issue's checklist",
  description: 'Queues a regeneration (TIDs stay stable); 202 with the job id.',
  tags: ['checklists'],
  params: issueParams,
  response: z.object({ jobId: uuid() }),
  successStatus: 202,
});

export const getPull = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/pulls/{number}',
  auth: 'session',
  action: 'pulls:read',
  orgParam: 'owner',
  summary: 'A pull request with its linked issues, manifest and validation',
  tags: ['pulls'],
  params: issueParams,
  response: z.object({
    number: z.number().int(),
    title: text(),
    state: z.enum(['open', 'closed']),
    merged: z.boolean(),
    headSha: text(),
    headRef: text(),
    baseRef: text(),
    htmlUrl: text().nullable(),
    linkedIssues: z.array(
      z.object({
        owner: text(),
        repo: text(),
        number: z.number().int(),
        visible: z.boolean(),
        items: z.number().int(),
      }),
    ),
    manifest: z
      .object({
        headSha: text(),
        filesChanged: z.number().int(),
        createdAt: z.iso.datetime(),
        entries: z.array(z.record(text(), z.unknown())),
      })
      .nullable(),
    validation: z
      .object({
        headSha: text(),
        status: z.enum(['queued', 'in_progress', 'completed']),
        conclusion: text().nullable(),
        checkRunId: z.number().int().nullable(),
      })
      .nullable(),
  }),
});

export const postPullRevalidate = defineRoute({
  route: 'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/revalidate',
  auth: 'session',
  action: 'pulls:revalidate',
  orgParam: 'owner',
  summary: 'Rebuild the manifest and validation of a pull request',
  description: 'Queues the same work as `/assay revalidate`; 202 with the job id.',
  tags: ['pulls'],
  params: issueParams,
  response: z.object({ jobId: uuid() }),
  successStatus: 202,
});

export const postPullFlagForMerge = defineRoute({
  route: 'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/flag-for-merge',
  auth: 'session',
  action: 'pulls:flag-for-merge',
  orgParam: 'owner',
  summary: 'Flag a pull request as ready to merge',
  description:
    'Refused (409 `validation_not_green`) unless the head SHA’s validation succeeded; an admin may override with `override: true` and a reason. Both are audited.',
  tags: ['pulls'],
  params: issueParams,
  body: z.object({ override: z.boolean().default(false), reason: text().max(500).optional() }),
  response: z.object({
    flagged: z.literal(true),
    headSha: text(),
    conclusion: text().nullable(),
    override: z.boolean(),
  }),
});
