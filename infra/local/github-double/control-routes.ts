/**
 * The GitHub double's control API, under `/_double/`: what a person does on
 * github.com (install the App, open an issue or a pull request, read the
 * comments), for `assay dev …` in another process. Each write answers with the
 * webhook GitHub would send for it (`{ event, payload }`); the caller signs it
 * with the runtime's webhook secret and delivers it, as GitHub would.
 *
 * Loopback only, like the double itself; no credentials (it plays the person
 * at the keyboard, not the App).
 *
 * @module
 */
import { z } from 'zod';
import { FakeHttpError } from './auth.ts';
import { issueJson, type Route, type RouteContext, type RouteResult, userJson } from './routes.ts';
import { accountIdOf, type FakeRepository, type FakeUser } from './state.ts';

const REPO = '^/_double/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';
const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login');
const repoName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name');

const installBody = z.object({
  account: login,
  accountType: z.enum(['Organization', 'User']).default('Organization'),
  repositories: z.array(repoName).max(100).default([]),
  sender: login.default('octocat'),
});

const issueBody = z.object({
  title: z.string().min(1).max(256),
  body: z.string().max(65_536).default(''),
  user: login.default('octocat'),
});

const pullFile = z.object({
  filename: z.string().min(1),
  status: z.enum(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged']),
  additions: z.number().int().min(0),
  deletions: z.number().int().min(0),
  changes: z.number().int().min(0),
  patch: z.string().optional(),
});

const pullBody = issueBody.extend({
  headSha: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-hex-digit commit SHA'),
  headRef: z.string().min(1).max(255).optional(),
  baseRef: z.string().min(1).max(255).default('main'),
  files: z.array(pullFile).max(3000).default([]),
});

/** Stable ids, so that an installation recreated after a restart of the double matches what Assay stored. */
const stableId = (kind: string, name: string) => accountIdOf(`${kind}:${name.toLowerCase()}`) + 1_000_000;

function parse<T>(schema: z.ZodType<T>, raw: string | undefined): T {
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    throw new FakeHttpError(400, 'Problems parsing JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new FakeHttpError(422, `Validation Failed: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function repositoryOf(ctx: RouteContext): FakeRepository {
  const repository = ctx.state.findRepository(
    decodeURIComponent(ctx.params.owner ?? ''),
    decodeURIComponent(ctx.params.repo ?? ''),
  );
  if (!repository) {
    throw new FakeHttpError(
      404,
      `No repository ${ctx.params.owner}/${ctx.params.repo} in the GitHub double: install the App on it first (assay dev install --org ${ctx.params.owner} --repo ${ctx.params.repo})`,
    );
  }
  return repository;
}

/** An account as GitHub embeds it. */
function accountJson(ctx: RouteContext, login: string, type: FakeUser['type']) {
  return userJson(ctx, { login, type });
}

/** A repository as webhooks embed it. */
function repositoryJson(ctx: RouteContext, repository: FakeRepository) {
  const owner = ctx.state.installations.get(repository.installationId)?.account;
  const fullName = `${repository.owner}/${repository.name}`;
  return {
    id: repository.id,
    name: repository.name,
    full_name: fullName,
    private: repository.private,
    default_branch: 'main',
    html_url: `${ctx.webUrl}/${fullName}`,
    owner: accountJson(ctx, repository.owner, owner?.type ?? 'Organization'),
  };
}

const created = (body: unknown): RouteResult => ({ status: 201, body, write: true });

const memberBody = z.object({
  login,
  /** GitHub's organisation roles: `admin` becomes an Assay owner at sign-in, `member` a member. */
  role: z.enum(['admin', 'member']).default('member'),
});

export const controlRoutes: Route[] = [
  {
    // Makes a user (added if new) an active member of an organisation, as accepting its invitation does.
    method: 'POST',
    pattern: /^\/_double\/orgs\/(?<org>[^/]+)\/members$/,
    auth: 'none',
    handle(ctx) {
      const input = parse(memberBody, ctx.rawBody);
      const org = login.safeParse(decodeURIComponent(ctx.params.org ?? ''));
      if (!org.success) throw new FakeHttpError(422, 'Validation Failed: org: a GitHub login');
      ctx.state.addOrgMember(org.data, input.login, input.role);
      return created({ org: org.data, login: input.login, role: input.role, state: 'active' });
    },
  },
  {
    // Installs the App on an account with repositories (an existing installation gains them).
    method: 'POST',
    pattern: /^\/_double\/installations$/,
    auth: 'none',
    handle(ctx) {
      const input = parse(installBody, ctx.rawBody);
      const id = stableId('installation', input.account);
      const installation =
        ctx.state.installations.get(id) ??
        ctx.state.addInstallation({ id, account: input.account, accountType: input.accountType });
      const repositories = input.repositories.map((name) => {
        const existing = ctx.state.findRepository(input.account, name);
        if (existing) return existing;
        const repository = ctx.state.addRepository(id, name);
        repository.id = stableId('repository', `${input.account}/${name}`);
        return repository;
      });
      // On github.com only an organisation's owner can install an App on it: the installing user is one.
      if (installation.account.type === 'Organization')
        ctx.state.addOrgMember(installation.account.login, input.sender, 'admin');
      const account = accountJson(ctx, installation.account.login, installation.account.type);
      return created({
        installation: { id, account },
        event: 'installation',
        payload: {
          action: 'created',
          installation: {
            id,
            account,
            target_type: installation.account.type,
            repository_selection: 'selected',
            permissions: {
              issues: 'write',
              pull_requests: 'write',
              checks: 'write',
              contents: 'read',
              actions: 'read',
            },
            events: ['issues', 'issue_comment', 'pull_request', 'check_suite', 'check_run', 'workflow_run'],
          },
          repositories: repositories.map((r) => ({
            id: r.id,
            name: r.name,
            full_name: `${r.owner}/${r.name}`,
            private: r.private,
          })),
          sender: accountJson(ctx, input.sender, 'User'),
        },
      });
    },
  },
  {
    // Opens an issue.
    method: 'POST',
    pattern: new RegExp(`${REPO}/issues$`),
    auth: 'none',
    handle(ctx) {
      const repository = repositoryOf(ctx);
      const input = parse(issueBody, ctx.rawBody);
      const fullName = `${repository.owner}/${repository.name}`;
      const issue = ctx.state.addIssue(fullName, { title: input.title, body: input.body, user: input.user });
      return created({
        issue: issueJson(ctx, repository, issue),
        event: 'issues',
        payload: {
          action: 'opened',
          installation: { id: repository.installationId },
          repository: repositoryJson(ctx, repository),
          issue: issueJson(ctx, repository, issue),
          sender: accountJson(ctx, input.user, 'User'),
        },
      });
    },
  },
  {
    // Opens a pull request.
    method: 'POST',
    pattern: new RegExp(`${REPO}/pulls$`),
    auth: 'none',
    handle(ctx) {
      const repository = repositoryOf(ctx);
      const input = parse(pullBody, ctx.rawBody);
      const fullName = `${repository.owner}/${repository.name}`;
      const pull = ctx.state.addPull(fullName, {
        title: input.title,
        body: input.body,
        user: input.user,
        headSha: input.headSha,
        ...(input.headRef ? { headRef: input.headRef } : {}),
        baseRef: input.baseRef,
        files: input.files,
      });
      const head = pull.pull;
      if (!head) throw new Error('the double added a pull request without its head');
      const pullJson = {
        ...issueJson(ctx, repository, pull),
        head: { sha: head.headSha, ref: head.headRef },
        base: { sha: head.baseSha, ref: head.baseRef },
        draft: head.draft,
        merged: head.merged,
      };
      return created({
        pull: pullJson,
        event: 'pull_request',
        payload: {
          action: 'opened',
          number: pull.number,
          installation: { id: repository.installationId },
          repository: repositoryJson(ctx, repository),
          pull_request: pullJson,
          sender: accountJson(ctx, input.user, 'User'),
        },
      });
    },
  },
  {
    // The comments on an issue or pull request, oldest first.
    method: 'GET',
    pattern: new RegExp(`${REPO}/issues/(?<number>\\d+)/comments$`),
    auth: 'none',
    handle(ctx) {
      const repository = repositoryOf(ctx);
      const number = Number(ctx.params.number);
      if (!repository.items.has(number)) {
        throw new FakeHttpError(
          404,
          `No issue or pull request #${number} in ${repository.owner}/${repository.name}`,
        );
      }
      const comments = ctx.state.commentsOn(`${repository.owner}/${repository.name}`, number);
      return {
        status: 200,
        body: comments.map((c) => ({
          id: c.id,
          user: c.user.login,
          viaApp: c.viaApp,
          body: c.body,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })),
      };
    },
  },
  {
    // The check runs of a repository (optionally of one commit), as GitHub's pull request page lists them.
    method: 'GET',
    pattern: new RegExp(`${REPO}/check-runs$`),
    auth: 'none',
    handle(ctx) {
      const repository = repositoryOf(ctx);
      const sha = ctx.query.get('sha');
      const runs = ctx.state
        .checkRunsOf(`${repository.owner}/${repository.name}`)
        .filter((c) => sha === null || c.headSha === sha);
      return {
        status: 200,
        body: runs.map((c) => ({
          id: c.id,
          name: c.name,
          head_sha: c.headSha,
          status: c.status,
          conclusion: c.conclusion,
          details_url: c.detailsUrl,
          title: c.output.title,
        })),
      };
    },
  },
];
