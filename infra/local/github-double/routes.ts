import { createHash, randomBytes } from 'node:crypto';
import { FakeHttpError } from './auth.ts';
import type { FakeOAuthRuntime } from './oauth-routes.ts';
import {
  accountIdOf,
  type FakeAccountUser,
  type FakeArtifact,
  type FakeCheckRun,
  type FakeCheckRunAnnotation,
  type FakeComment,
  type FakeGitHubState,
  type FakeIssue,
  type FakeRepository,
  type FakeRole,
  type FakeUser,
  MAX_PULL_FILES,
} from './state.ts';

/** The App as the double presents it. */
export interface FakeAppConfig {
  id: number;
  slug: string;
  name: string;
  /** Lifetime of minted installation tokens. */
  tokenTtlSeconds: number;
}

export interface RouteContext {
  state: FakeGitHubState;
  app: FakeAppConfig;
  params: Record<string, string>;
  query: URLSearchParams;
  pathname: string;
  body: unknown;
  /** The double's own base URL (for `url` fields and `Link` headers). */
  baseUrl: string;
  /** Where `html_url`s point. */
  webUrl: string;
  nowMs: number;
  /** Set on repository routes once the token and the repository are checked. */
  repository?: FakeRepository;
  /** Set on `user` routes: whose `ghu_` token it is. */
  user?: FakeAccountUser;
  /** The OAuth app and the web-flow switches (signed-in user, denials). */
  oauth?: FakeOAuthRuntime;
  /** The raw request body, for `none` routes (form-encoded bodies are not parsed as JSON). */
  rawBody?: string;
  /** The request's `Accept` header. */
  accept?: string;
  /** The request's `Content-Type` header. */
  contentType?: string;
  /** The request's `Cookie` header (the double's web sign-in keeps `dotcom_user` there). */
  cookie?: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The request changed repository state (recorded in `fake.writes`). */
  write?: boolean;
  /** A non-JSON answer (sent as is; set `content-type` in `headers`); `body` is then ignored. */
  text?: string;
  /** A binary answer (an artifact's ZIP), sent as is; set `content-type` in `headers`. */
  bytes?: Uint8Array;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  pattern: RegExp;
  /**
   * `app`: App JWT. `repository`: installation token valid for `{owner}/{repo}` (named groups).
   * `user`: a user access token (`ghu_…`) from the OAuth web flow. `none`: no credentials
   * (the OAuth web endpoints, which check their own parameters).
   */
  auth: 'app' | 'repository' | 'user' | 'none';
  handle(ctx: RouteContext): RouteResult;
}

const MAX_COMMENT_LENGTH = 65536;

/** A comment's `body` as GitHub validates it on create and update: present, at most 65,536 characters. */
function commentBody(ctx: Parameters<Route['handle']>[0]): string {
  const body = optionalString(bodyObject(ctx), 'body', 'IssueComment');
  if (!body) throw validationFailed('IssueComment', 'body');
  if (body.length > MAX_COMMENT_LENGTH)
    throw validationFailed(
      'IssueComment',
      'body',
      'custom',
      'Body is too long (maximum is 65536 characters)',
    );
  return body;
}
const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a check run's `output.summary` and `output.text`, in UTF-8 bytes. */
const MAX_OUTPUT_BYTES = 65535;
const MAX_ANNOTATION_TITLE = 255;
export const INSTALLATION_PERMISSIONS = {
  checks: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
  contents: 'read',
  actions: 'read',
} as const;
export const EVENTS = ['issues', 'issue_comment', 'pull_request', 'check_suite', 'check_run', 'workflow_run'];

const notFound = () => new FakeHttpError(404, 'Not Found');

/** GitHub's 422 `Validation Failed` with its `errors` list. */
function validationFailed(resource: string, field: string, code = 'missing_field', message?: string) {
  return new FakeHttpError(422, 'Validation Failed', 'https://docs.github.com/rest', {
    errors: [{ resource, field, code, ...(message ? { message } : {}) }],
  });
}

function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new FakeHttpError(400, 'Problems parsing JSON', 'https://docs.github.com/rest');
  return body as Record<string, unknown>;
}

function optionalString(
  body: Record<string, unknown>,
  key: string,
  resource: string,
): string | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw validationFailed(resource, key, 'invalid');
  return value;
}

/** An account as GitHub embeds it (`user`, `account`, …); registered users keep their id. */
export function userJson(ctx: RouteContext, user: FakeUser) {
  return {
    login: user.login,
    id: ctx.state.accountId(user.login),
    type: user.type,
    html_url: `${ctx.webUrl}/${user.login}`,
  };
}

/** Slices `items` as GitHub does (`per_page` default 30, max 100; `page` from 1) with a `Link` header. */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const requested = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
  const perPage = Number.isNaN(requested) ? 30 : Math.min(100, Math.max(1, requested));
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '', 10) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const url = new URL(ctx.pathname, ctx.baseUrl);
    for (const [k, v] of ctx.query) url.searchParams.set(k, v);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

function repoOf(ctx: RouteContext): FakeRepository {
  if (!ctx.repository) throw new Error('fake GitHub: repository route without a repository');
  return ctx.repository;
}

function intParam(ctx: RouteContext, name: string): number {
  const value = Number(ctx.params[name]);
  if (!Number.isSafeInteger(value) || value < 1) throw notFound();
  return value;
}

function issueOf(ctx: RouteContext): FakeIssue {
  const issue = repoOf(ctx).items.get(intParam(ctx, 'number'));
  if (!issue) throw notFound();
  return issue;
}

function repoApiUrl(ctx: RouteContext, repository: FakeRepository): string {
  return `${ctx.baseUrl}/repos/${repository.owner}/${repository.name}`;
}

function repoWebUrl(ctx: RouteContext, repository: FakeRepository): string {
  return `${ctx.webUrl}/${repository.owner}/${repository.name}`;
}

export function issueJson(ctx: RouteContext, repository: FakeRepository, issue: FakeIssue) {
  const comments = [...ctx.state.comments.values()].filter(
    (c) => c.repositoryId === repository.id && c.issueNumber === issue.number,
  ).length;
  return {
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    locked: false,
    user: userJson(ctx, issue.user),
    labels: [],
    comments,
    url: `${repoApiUrl(ctx, repository)}/issues/${issue.number}`,
    html_url: `${repoWebUrl(ctx, repository)}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.state === 'closed' ? issue.updatedAt : null,
    ...(issue.pull
      ? {
          pull_request: {
            url: `${repoApiUrl(ctx, repository)}/pulls/${issue.number}`,
            html_url: `${repoWebUrl(ctx, repository)}/pull/${issue.number}`,
            merged_at: issue.pull.merged ? issue.updatedAt : null,
          },
        }
      : {}),
  };
}

function commentJson(ctx: RouteContext, repository: FakeRepository, comment: FakeComment) {
  return {
    id: comment.id,
    body: comment.body,
    user: userJson(ctx, comment.user),
    html_url: `${repoWebUrl(ctx, repository)}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApiUrl(ctx, repository)}/issues/${comment.issueNumber}`,
    url: `${repoApiUrl(ctx, repository)}/issues/comments/${comment.id}`,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.viaApp ? 'NONE' : 'MEMBER',
    performed_via_github_app: comment.viaApp
      ? { id: ctx.app.id, slug: ctx.app.slug, name: ctx.app.name }
      : null,
  };
}

function checkRunJson(ctx: RouteContext, repository: FakeRepository, run: FakeCheckRun) {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId,
    status: run.status,
    conclusion: run.conclusion,
    details_url: run.detailsUrl,
    url: `${repoApiUrl(ctx, repository)}/check-runs/${run.id}`,
    html_url: `${repoWebUrl(ctx, repository)}/runs/${run.id}`,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      ...run.output,
      annotations_count: run.annotations.length,
      annotations_url: `${repoApiUrl(ctx, repository)}/check-runs/${run.id}/annotations`,
    },
    app: { id: ctx.app.id, slug: ctx.app.slug, name: ctx.app.name },
  };
}

const STATUSES = ['queued', 'in_progress', 'completed'] as const;
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'];

/** Refuses an output text over GitHub's byte limit, as GitHub does (422). */
function checkOutputSize(resource: string, field: string, value: string | null | undefined): void {
  if (value && Buffer.byteLength(value, 'utf8') > MAX_OUTPUT_BYTES)
    throw validationFailed(
      resource,
      field,
      'custom',
      `${field} exceeds the maximum size of ${MAX_OUTPUT_BYTES} bytes (${Buffer.byteLength(value, 'utf8')} given)`,
    );
}

/**
 * Applies a create or update body to a check run, validating like GitHub.
 * A completed check run is final: GitHub answers 200 to a PATCH that sets
 * its status or conclusion and keeps the old ones (Mergify, Atlantis and
 * Taskcluster all hit this), so the double does the same.
 */
function applyCheckRunBody(ctx: RouteContext, run: FakeCheckRun, body: Record<string, unknown>): void {
  const resource = 'CheckRun';
  const final = run.status === 'completed';
  const name = optionalString(body, 'name', resource);
  if (name !== undefined && name !== null) run.name = name;
  const status = optionalString(body, 'status', resource);
  if (status !== undefined && status !== null) {
    if (!(STATUSES as readonly string[]).includes(status))
      throw validationFailed(resource, 'status', 'invalid');
    if (!final) run.status = status as FakeCheckRun['status'];
  }
  const conclusion = optionalString(body, 'conclusion', resource);
  if (conclusion !== undefined && conclusion !== null) {
    if (!CONCLUSIONS.includes(conclusion)) throw validationFailed(resource, 'conclusion', 'invalid');
    if (!final) {
      run.conclusion = conclusion;
      run.status = 'completed';
    }
  }
  if (run.status === 'completed' && run.conclusion === null)
    throw validationFailed(resource, 'conclusion', 'missing_field');
  if (run.status === 'completed') run.completedAt ??= new Date(ctx.nowMs).toISOString();
  const detailsUrl = optionalString(body, 'details_url', resource);
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  const externalId = optionalString(body, 'external_id', resource);
  if (externalId !== undefined) run.externalId = externalId;
  const output = body.output;
  if (output !== undefined && output !== null) {
    if (typeof output !== 'object' || Array.isArray(output))
      throw validationFailed(resource, 'output', 'invalid');
    const o = output as Record<string, unknown>;
    const title = optionalString(o, 'title', resource);
    const summary = optionalString(o, 'summary', resource);
    if (!title) throw validationFailed(resource, 'output.title');
    if (!summary) throw validationFailed(resource, 'output.summary');
    const text = optionalString(o, 'text', resource);
    checkOutputSize(resource, 'output.summary', summary);
    checkOutputSize(resource, 'output.text', text);
    run.output = { title, summary, text: text ?? null };
    const annotations = o.annotations;
    if (annotations !== undefined) {
      if (!Array.isArray(annotations)) throw validationFailed(resource, 'output.annotations', 'invalid');
      if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST)
        throw validationFailed(
          resource,
          'output.annotations',
          'invalid',
          `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request`,
        );
      for (const a of annotations as Record<string, unknown>[]) {
        if (
          typeof a?.path !== 'string' ||
          typeof a.start_line !== 'number' ||
          typeof a.end_line !== 'number' ||
          typeof a.message !== 'string' ||
          !ANNOTATION_LEVELS.includes(String(a.annotation_level))
        )
          throw validationFailed(resource, 'output.annotations', 'invalid');
        if (!Number.isInteger(a.start_line) || a.start_line < 1)
          throw validationFailed(resource, 'output.annotations', 'invalid', 'start_line must be at least 1');
        if (!Number.isInteger(a.end_line) || a.end_line < a.start_line)
          throw validationFailed(
            resource,
            'output.annotations',
            'invalid',
            'end_line must be greater than or equal to start_line',
          );
        if (typeof a.title === 'string' && a.title.length > MAX_ANNOTATION_TITLE)
          throw validationFailed(
            resource,
            'output.annotations',
            'invalid',
            'title is too long (maximum is 255)',
          );
      }
      run.annotations.push(...(annotations as FakeCheckRunAnnotation[]));
    }
  }
}

const PERMISSION_OF_ROLE: Record<FakeRole, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const REPO = '/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';

/** Every endpoint the double serves; anything else is a 404. */
export const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/app$/,
    auth: 'app',
    handle: (ctx) => ({
      status: 200,
      body: {
        id: ctx.app.id,
        slug: ctx.app.slug,
        name: ctx.app.name,
        owner: { login: 'assay-dev', type: 'Organization' },
        permissions: INSTALLATION_PERMISSIONS,
        events: EVENTS,
        installations_count: ctx.state.installations.size,
      },
    }),
  },
  {
    method: 'GET',
    pattern: /^\/app\/installations\/(?<id>\d+)$/,
    auth: 'app',
    handle: (ctx) => {
      const installation = ctx.state.installations.get(intParam(ctx, 'id'));
      if (!installation) throw notFound();
      return {
        status: 200,
        body: {
          id: installation.id,
          account: userJson(ctx, installation.account),
          app_id: ctx.app.id,
          app_slug: ctx.app.slug,
          target_type: installation.account.type,
          repository_selection: 'selected',
          permissions: INSTALLATION_PERMISSIONS,
          events: EVENTS,
          suspended_at: installation.suspended ? new Date(ctx.nowMs).toISOString() : null,
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/app\/installations\/(?<id>\d+)\/access_tokens$/,
    auth: 'app',
    handle: (ctx) => {
      const installation = ctx.state.installations.get(intParam(ctx, 'id'));
      if (!installation) throw notFound();
      if (installation.suspended) throw new FakeHttpError(403, 'This installation has been suspended');
      const token = ctx.state.mintToken(installation.id, ctx.app.tokenTtlSeconds);
      return {
        status: 201,
        body: {
          token: token.token,
          expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: INSTALLATION_PERMISSIONS,
          repository_selection: 'selected',
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/issues/(?<number>\\d+)$`),
    auth: 'repository',
    handle: (ctx) => ({ status: 200, body: issueJson(ctx, repoOf(ctx), issueOf(ctx)) }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/issues/(?<number>\\d+)/comments$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const issue = issueOf(ctx);
      const all = [...ctx.state.comments.values()].filter(
        (c) => c.repositoryId === repository.id && c.issueNumber === issue.number,
      );
      const { page, headers } = paginate(ctx, all);
      return { status: 200, body: page.map((c) => commentJson(ctx, repository, c)), headers };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${REPO}/issues/(?<number>\\d+)/comments$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const issue = issueOf(ctx);
      const body = commentBody(ctx);
      const bot: FakeUser = { login: `${ctx.app.slug}[bot]`, type: 'Bot' };
      const comment = ctx.state.insertComment(repository, issue.number, body, bot, true);
      return { status: 201, body: commentJson(ctx, repository, comment), write: true };
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^${REPO}/issues/comments/(?<id>\\d+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const comment = ctx.state.comments.get(intParam(ctx, 'id'));
      if (!comment || comment.repositoryId !== repository.id) throw notFound();
      const body = commentBody(ctx);
      comment.body = body;
      comment.updatedAt = new Date(ctx.nowMs).toISOString();
      return { status: 200, body: commentJson(ctx, repository, comment), write: true };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/pulls/(?<number>\\d+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const issue = issueOf(ctx);
      const pull = issue.pull;
      if (!pull) throw notFound();
      const repoJson = {
        id: repository.id,
        name: repository.name,
        full_name: `${repository.owner}/${repository.name}`,
        owner: { login: repository.owner },
      };
      return {
        status: 200,
        body: {
          id: issue.id,
          number: issue.number,
          title: issue.title,
          body: issue.body,
          state: issue.state,
          draft: pull.draft,
          merged: pull.merged,
          merged_at: pull.merged ? issue.updatedAt : null,
          user: userJson(ctx, issue.user),
          author_association: pull.authorAssociation ?? 'MEMBER',
          head: {
            ref: pull.headRef,
            sha: pull.headSha,
            label: `${(pull.headRepository ?? repository.owner).split('/')[0]}:${pull.headRef}`,
            repo: pull.headRepository
              ? {
                  id: accountIdOf(`repo:${pull.headRepository}`),
                  name: pull.headRepository.split('/')[1] ?? '',
                  full_name: pull.headRepository,
                  owner: { login: pull.headRepository.split('/')[0] ?? '' },
                  fork: true,
                }
              : repoJson,
          },
          base: {
            ref: pull.baseRef,
            sha: pull.baseSha,
            label: `${repository.owner}:${pull.baseRef}`,
            repo: repoJson,
          },
          changed_files: Math.min(pull.files.length, MAX_PULL_FILES),
          url: `${repoApiUrl(ctx, repository)}/pulls/${issue.number}`,
          html_url: `${repoWebUrl(ctx, repository)}/pull/${issue.number}`,
          created_at: issue.createdAt,
          updated_at: issue.updatedAt,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/pulls/(?<number>\\d+)/files$`),
    auth: 'repository',
    handle: (ctx) => {
      const pull = issueOf(ctx).pull;
      if (!pull) throw notFound();
      const { page, headers } = paginate(ctx, pull.files.slice(0, MAX_PULL_FILES));
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${REPO}/check-runs$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const body = bodyObject(ctx);
      const name = optionalString(body, 'name', 'CheckRun');
      const headSha = optionalString(body, 'head_sha', 'CheckRun');
      if (!name) throw validationFailed('CheckRun', 'name');
      if (!headSha) throw validationFailed('CheckRun', 'head_sha');
      const run: FakeCheckRun = {
        id: ctx.state.id(),
        repositoryId: repository.id,
        name,
        headSha,
        status: 'queued',
        conclusion: null,
        detailsUrl: null,
        externalId: null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        startedAt: new Date(ctx.nowMs).toISOString(),
        completedAt: null,
      };
      applyCheckRunBody(ctx, run, body);
      ctx.state.checkRuns.set(run.id, run);
      return { status: 201, body: checkRunJson(ctx, repository, run), write: true };
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^${REPO}/check-runs/(?<id>\\d+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const existing = ctx.state.checkRuns.get(intParam(ctx, 'id'));
      if (!existing || existing.repositoryId !== repository.id) throw notFound();
      // Validate on a copy so a rejected update changes nothing.
      const draft: FakeCheckRun = {
        ...existing,
        output: { ...existing.output },
        annotations: [...existing.annotations],
      };
      applyCheckRunBody(ctx, draft, bodyObject(ctx));
      ctx.state.checkRuns.set(draft.id, draft);
      return { status: 200, body: checkRunJson(ctx, repository, draft), write: true };
    },
  },
  {
    // The merge base of a pull request's base (branch or SHA) and head: the double knows commits only
    // through its pull requests, so it answers for a head SHA it has a pull request for (the base SHA
    // of that pull request is the merge base, committed when the pull request was opened).
    method: 'GET',
    pattern: new RegExp(`^${REPO}/compare/(?<base>.+?)\\.\\.\\.(?<head>[^/]+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const base = decodeURIComponent(ctx.params.base ?? '');
      const head = decodeURIComponent(ctx.params.head ?? '');
      const issue = [...repository.items.values()].find(
        (item) => item.pull?.headSha === head && (item.pull.baseRef === base || item.pull.baseSha === base),
      );
      if (!issue?.pull) throw notFound();
      const commitJson = (sha: string) => ({
        sha,
        url: `${repoApiUrl(ctx, repository)}/commits/${sha}`,
        commit: { committer: { name: 'octocat', date: issue.createdAt }, message: 'base' },
      });
      return {
        status: 200,
        body: {
          url: `${repoApiUrl(ctx, repository)}/compare/${base}...${head}`,
          status: 'ahead',
          ahead_by: 1,
          behind_by: 0,
          total_commits: 1,
          base_commit: commitJson(issue.pull.baseSha),
          merge_base_commit: commitJson(issue.pull.baseSha),
          commits: [],
          files: [],
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/collaborators/(?<username>[^/]+)/permission$`),
    auth: 'repository',
    handle: (ctx) => {
      const login = decodeURIComponent(ctx.params.username ?? '');
      const role = repoOf(ctx).roles.get(login.toLowerCase()) ?? 'none';
      return {
        status: 200,
        body: {
          permission: PERMISSION_OF_ROLE[role],
          role_name: role,
          user: userJson(ctx, { login, type: 'User' }),
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/actions/runs/(?<run>\\d+)/artifacts$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const runId = intParam(ctx, 'run');
      const name = ctx.query.get('name');
      const all = [...ctx.state.artifacts.values()].filter(
        (a) => a.repositoryId === repository.id && a.runId === runId && (name === null || a.name === name),
      );
      const { page, headers } = paginate(ctx, all);
      return {
        status: 200,
        body: { total_count: all.length, artifacts: page.map((a) => artifactJson(ctx, repository, a)) },
        headers,
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/actions/artifacts/(?<artifact>\\d+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      return { status: 200, body: artifactJson(ctx, repository, artifactOf(ctx, repository)) };
    },
  },
  {
    // GitHub answers 302 to a URL valid for one minute; an expired artifact is 410.
    method: 'GET',
    pattern: new RegExp(`^${REPO}/actions/artifacts/(?<artifact>\\d+)/(?<format>[^/]+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const artifact = artifactOf(ctx, repoOf(ctx));
      if (ctx.params.format !== 'zip') throw notFound();
      if (artifact.expired)
        throw new FakeHttpError(
          410,
          'Artifact has expired',
          'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
        );
      const token = randomBytes(16).toString('hex');
      ctx.state.artifactDownloads.set(token, { artifactId: artifact.id, expiresAt: ctx.nowMs + 60_000 });
      return {
        status: 302,
        body: undefined,
        headers: { location: `${ctx.baseUrl}/_double/artifact-blobs/${token}` },
        text: '',
      };
    },
  },
  {
    // The signed storage URL the download redirects to: no credentials, short-lived.
    method: 'GET',
    pattern: /^\/_double\/artifact-blobs\/(?<token>[0-9a-f]{32})$/,
    auth: 'none',
    handle: (ctx) => {
      const grant = ctx.state.artifactDownloads.get(ctx.params.token ?? '');
      const artifact =
        grant && grant.expiresAt > ctx.nowMs ? ctx.state.artifacts.get(grant.artifactId) : undefined;
      if (!artifact) throw new FakeHttpError(403, 'AuthenticationFailed: the signed URL expired');
      return {
        status: 200,
        body: undefined,
        bytes: artifact.zip,
        headers: {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename=${artifact.name}.zip`,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/contents/(?<path>.+)$`),
    auth: 'repository',
    handle: (ctx) => {
      const repository = repoOf(ctx);
      const path = decodeURIComponent(ctx.params.path ?? '');
      const ref = ctx.query.get('ref') ?? 'main';
      const content = ctx.state.files.get(repository.id)?.get(`${ref}\u0000${path}`);
      if (content === undefined) throw notFound();
      const bytes = Buffer.from(content);
      const sha = createHash('sha1')
        .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\u0000`), bytes]))
        .digest('hex');
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: bytes.length,
          name: path.split('/').pop(),
          path,
          sha,
          content: bytes.toString('base64'),
          url: `${repoApiUrl(ctx, repository)}/contents/${path}?ref=${ref}`,
        },
      };
    },
  },
];

function artifactOf(ctx: RouteContext, repository: FakeRepository): FakeArtifact {
  const artifact = ctx.state.artifacts.get(intParam(ctx, 'artifact'));
  if (!artifact || artifact.repositoryId !== repository.id) throw notFound();
  return artifact;
}

/** An artifact as GitHub's REST API shows it. */
function artifactJson(ctx: RouteContext, repository: FakeRepository, artifact: FakeArtifact) {
  const url = `${repoApiUrl(ctx, repository)}/actions/artifacts/${artifact.id}`;
  return {
    id: artifact.id,
    node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
    name: artifact.name,
    size_in_bytes: artifact.zip.byteLength,
    url,
    archive_download_url: `${url}/zip`,
    expired: artifact.expired,
    created_at: artifact.createdAt,
    updated_at: artifact.createdAt,
    expires_at: artifact.expiresAt,
    digest: `sha256:${createHash('sha256').update(artifact.zip).digest('hex')}`,
    workflow_run: {
      id: artifact.runId,
      repository_id: repository.id,
      head_repository_id: repository.id,
      head_branch: 'main',
      head_sha: artifact.headSha,
    },
  };
}
