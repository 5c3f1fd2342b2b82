import { z } from 'zod';

/**
 * The parts of GitHub webhook payloads Assay reads; everything else is ignored.
 * Values are bounded by the columns they go to: a number out of range or a
 * timestamp that does not parse makes the part invalid, and the delivery is
 * `ignored` with the reason (never retried into the dead-letter queue).
 * Strings arrive already made storable (`toStorableJson`).
 */

/** A number kept in an `integer` column (issue and pull request numbers). */
const pgInteger = z.number().int().positive().max(2_147_483_647);
/** A GitHub id kept in a `bigint` column (zod integers are safe integers, well inside it). */
const githubId = z.number().int().positive();
/** A timestamp kept in a `timestamptz` column. */
const timestamp = z.iso.datetime({ offset: true });

export const accountSchema = z.object({
  id: githubId,
  login: z.string().min(1),
  type: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

export const installationSchema = z.object({
  id: githubId,
  account: accountSchema,
  target_type: z.string().optional(),
  repository_selection: z.string().optional(),
  permissions: z.record(z.string(), z.string()).optional(),
  events: z.array(z.string()).optional(),
});

export const installationRefSchema = z.object({ id: githubId });

/** A repository as listed in installation events (no owner, no default branch). */
export const listedRepositorySchema = z.object({
  id: githubId,
  name: z.string(),
  full_name: z.string(),
  private: z.boolean().optional(),
});
export type ListedRepository = z.infer<typeof listedRepositorySchema>;

export const repositorySchema = listedRepositorySchema.extend({
  owner: accountSchema,
  default_branch: z.string().optional(),
});
export type Repository = z.infer<typeof repositorySchema>;

const userSchema = z.object({ login: z.string(), type: z.string().optional() }).nullable().optional();

export const issueSchema = z.object({
  number: pgInteger,
  title: z.string(),
  state: z.enum(['open', 'closed']),
  html_url: z.string().optional(),
  user: userSchema,
  pull_request: z.unknown().optional(),
});

/** `changes` of `issues.transferred`: the issue as it now is, in its new repository. */
export const issueTransferSchema = z.object({
  new_issue: z.object({ number: z.number().int().positive() }),
  new_repository: listedRepositorySchema,
});

/** Where a transferred issue went. */
export interface IssueTransfer {
  repository: ListedRepository;
  number: number;
}

export const pullRequestSchema = z.object({
  number: pgInteger,
  title: z.string(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullable().optional(),
  merged_at: timestamp.nullable().optional(),
  closed_at: timestamp.nullable().optional(),
  draft: z.boolean().optional(),
  html_url: z.string().optional(),
  user: userSchema,
  head: z.object({ sha: z.string(), ref: z.string() }),
  base: z.object({ ref: z.string() }),
});

export const commentSchema = z.object({
  body: z.string().nullable(),
  user: userSchema,
});

const pullRefsSchema = z.array(z.object({ number: pgInteger })).default([]);

export const workflowRunSchema = z.object({
  id: githubId,
  head_sha: z.string(),
  pull_requests: pullRefsSchema,
  name: z.string().nullable().optional(),
  /** `.github/workflows/test.yml` (may carry `@ref`). */
  path: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  conclusion: z.string().nullable().optional(),
  run_attempt: z.number().int().positive().optional(),
  /** The event that ran it (`pull_request`, `push` …). */
  event: z.string().nullable().optional(),
  /** Where the head commit lives: a fork for a pull request from a fork. */
  head_repository: z
    .object({ id: z.number().int().optional(), full_name: z.string() })
    .nullable()
    .optional()
    .catch(undefined),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

export const checkSuiteSchema = z.object({ head_sha: z.string(), pull_requests: pullRefsSchema });

export const checkRunSchema = z.object({ head_sha: z.string(), pull_requests: pullRefsSchema });
