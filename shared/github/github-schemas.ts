import { z } from 'zod';
import type {
  GitHubArtifact,
  GitHubComment,
  GitHubComparison,
  GitHubIssue,
  GitHubPull,
  GitHubPullFile,
  RepositoryPermission,
} from './github-client.types.ts';
import { GitHubApiError } from './github-errors.ts';

/*
 * GitHub REST responses, reduced to the fields Assay reads (zod strips the rest)
 * and mapped to the camel-cased types of github-client.types.ts.
 */

const User = z.object({ login: z.string(), type: z.string().optional() }).nullish();

const Issue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  html_url: z.string(),
  user: User,
  pull_request: z.unknown().optional(),
  updated_at: z.string(),
});

const Comment = z.object({
  id: z.number().int(),
  body: z.string().nullish(),
  user: User,
  html_url: z.string(),
});

const Pull = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullish(),
  merged_at: z.string().nullish(),
  draft: z.boolean().nullish(),
  user: User,
  head: z.object({
    sha: z.string(),
    ref: z.string(),
    repo: z.object({ full_name: z.string() }).nullish(),
  }),
  base: z.object({ ref: z.string() }),
  html_url: z.string(),
  author_association: z.string().optional(),
});

const PullFile = z.object({
  filename: z.string(),
  previous_filename: z.string().optional(),
  status: z.string(),
  additions: z.number().int(),
  deletions: z.number().int(),
  changes: z.number().int(),
  patch: z.string().optional(),
});

const CheckRun = z.object({ id: z.number().int() });

const Permission = z.object({
  permission: z.string(),
  role_name: z.string().nullish(),
});

function parse<S extends z.ZodType>(schema: S, data: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new GitHubApiError(
    'invalid_response',
    `GitHub ${operation} returned an unexpected body: ${problems}`,
    {
      operation,
    },
  );
}

/** Parses and maps `GET /repos/{o}/{r}/issues/{n}`. */
export function parseIssue(data: unknown, operation: string): GitHubIssue {
  const issue = parse(Issue, data, operation);
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? null,
    state: issue.state,
    htmlUrl: issue.html_url,
    user: issue.user?.login ?? null,
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
    updatedAt: issue.updated_at,
  };
}

/** Parses and maps one issue comment. */
export function parseComment(data: unknown, operation: string): GitHubComment {
  const comment = parse(Comment, data, operation);
  return {
    id: comment.id,
    body: comment.body ?? '',
    user: comment.user?.login ?? null,
    ...(comment.user?.type === undefined ? {} : { userType: comment.user.type }),
    htmlUrl: comment.html_url,
  };
}

/** Parses and maps a page of issue comments. */
export function parseComments(data: unknown, operation: string): GitHubComment[] {
  return parse(z.array(z.unknown()), data, operation).map((c) => parseComment(c, operation));
}

/** Parses and maps `GET /repos/{o}/{r}/pulls/{n}`. */
export function parsePull(data: unknown, operation: string): GitHubPull {
  const pull = parse(Pull, data, operation);
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body ?? null,
    state: pull.state,
    merged: pull.merged ?? (pull.merged_at !== undefined && pull.merged_at !== null),
    draft: pull.draft ?? false,
    user: pull.user?.login ?? null,
    headSha: pull.head.sha,
    headRef: pull.head.ref,
    baseRef: pull.base.ref,
    htmlUrl: pull.html_url,
    ...(pull.author_association === undefined ? {} : { authorAssociation: pull.author_association }),
    ...(pull.head.repo === undefined ? {} : { headRepository: pull.head.repo?.full_name ?? null }),
  };
}

const Artifact = z.object({
  id: z.number().int(),
  name: z.string(),
  size_in_bytes: z.number().int().nonnegative(),
  expired: z.boolean(),
  expires_at: z.string().nullish(),
  workflow_run: z.object({ id: z.number().int(), head_sha: z.string().nullish() }).nullish(),
});
const ArtifactList = z.object({ total_count: z.number().int(), artifacts: z.array(Artifact) });

/** Parses a page of `GET /repos/{o}/{r}/actions/runs/{id}/artifacts`. */
export function parseArtifacts(
  data: unknown,
  operation: string,
): { total: number; artifacts: GitHubArtifact[] } {
  // Octokit's paginate hands over the bare array of a `{ total_count, artifacts }` page.
  const list = Array.isArray(data)
    ? { total_count: data.length, artifacts: parse(z.array(Artifact), data, operation) }
    : parse(ArtifactList, data, operation);
  return {
    total: list.total_count,
    artifacts: list.artifacts.map((a) => ({
      id: a.id,
      name: a.name,
      sizeInBytes: a.size_in_bytes,
      expired: a.expired,
      expiresAt: a.expires_at ?? null,
      workflowRun: a.workflow_run
        ? { id: a.workflow_run.id, headSha: a.workflow_run.head_sha ?? null }
        : null,
    })),
  };
}

/** Parses `GET /repos/{o}/{r}/contents/{path}` down to the blob SHA of a file (`null` for a directory). */
export function parseFileSha(data: unknown, operation: string): string | null {
  if (Array.isArray(data)) return null;
  return parse(z.object({ type: z.string(), sha: z.string() }), data, operation).sha;
}

/** Parses and maps a page of `GET /repos/{o}/{r}/pulls/{n}/files`. */
export function parsePullFiles(data: unknown, operation: string): GitHubPullFile[] {
  return parse(z.array(PullFile), data, operation).map((f) => ({
    filename: f.filename,
    ...(f.previous_filename === undefined ? {} : { previousFilename: f.previous_filename }),
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    ...(f.patch === undefined ? {} : { patch: f.patch }),
  }));
}

/** Parses a check run answer down to its id. */
export function parseCheckRun(data: unknown, operation: string): { id: number } {
  return { id: parse(CheckRun, data, operation).id };
}

const ROLES: readonly RepositoryPermission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];
const isRole = (value: string | null | undefined): value is RepositoryPermission =>
  value !== null && value !== undefined && (ROLES as readonly string[]).includes(value);

/**
 * Parses `GET /repos/{o}/{r}/collaborators/{user}/permission`. `role_name`
 * is exact (maintain, triage); `permission` is the legacy four-level value
 * (maintain → write, triage → read), used when the role is custom or absent.
 */
export function parsePermission(data: unknown, operation: string): RepositoryPermission {
  const body = parse(Permission, data, operation);
  if (isRole(body.role_name)) return body.role_name;
  return isRole(body.permission) ? body.permission : 'none';
}

const Comparison = z.object({
  merge_base_commit: z.object({
    sha: z.string().regex(/^[0-9a-f]{40}$/i),
    commit: z.object({ committer: z.object({ date: z.string().nullish() }).nullish() }).nullish(),
  }),
});

/** Parses `GET /repos/{o}/{r}/compare/{base}...{head}`: the merge base and its committer date. */
export function parseComparison(data: unknown, operation: string): GitHubComparison {
  const comparison = parse(Comparison, data, operation);
  return {
    mergeBaseSha: comparison.merge_base_commit.sha.toLowerCase(),
    mergeBaseDate: comparison.merge_base_commit.commit?.committer?.date ?? null,
  };
}
