import { createPrivateKey } from 'node:crypto';
import { App } from '@octokit/app';
import { Octokit, type OctokitOptions } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { type ThrottlingOptions, throttling } from '@octokit/plugin-throttling';
import { getAppSecret } from '../adapters/app-secrets.ts';
import { getConfig } from '../config.ts';
import { DomainError } from '../errors.ts';
import { getLogger } from '../logger.ts';
import type {
  CheckRunAnnotation,
  CheckRunInput,
  GitHubArtifact,
  GitHubClient,
  GitHubComment,
  GitHubIssue,
  GitHubPull,
  GitHubPullFile,
  RepoRef,
  RepositoryPermission,
} from './github-client.types.ts';
import { GitHubApiError, GitHubNotConfiguredError, toGitHubError } from './github-errors.ts';
import {
  parseArtifacts,
  parseCheckRun,
  parseComment,
  parseComments,
  parseComparison,
  parseFileSha,
  parseIssue,
  parsePermission,
  parsePull,
  parsePullFiles,
} from './github-schemas.ts';
import {
  fitCheckRunOutput,
  fitCommentBody,
  MAX_ANNOTATIONS_PER_REQUEST,
  MAX_CHECK_TEXT_BYTES,
} from './limits.ts';
import { InstallationTokenCache } from './token-cache.ts';

/** Where Octokit's warnings go (rate-limit waits, deprecations). Messages never carry tokens. */
export interface GitHubClientLog {
  warn(message: string): void;
}

/** Options of {@link createGitHubClient}. */
export interface GitHubClientOptions {
  /** The GitHub App's id (the JWT's `iss`). */
  appId: string | number;
  /** The App's private key, PEM (PKCS#1 as GitHub issues it, or PKCS#8); `\n` escapes are accepted. */
  privateKey: string;
  /** REST API base URL (default https://api.github.com; GHES: `https://host/api/v3`; tests: the double). */
  baseUrl?: string;
  /**
   * Retries of 5xx answers, timeouts and network errors (not of 4xx, and not
   * of creates: see `NO_RETRY` in this file).
   * `retries` (default 3) after the first attempt; the n-th retry waits
   * `minDelayMs × n²` (default 1000 ms: 1 s, 4 s, 9 s).
   */
  retry?: { retries?: number; minDelayMs?: number };
  /**
   * Rate limits. Secondary limits (403/429 "secondary rate limit") are retried
   * after GitHub's `retry-after` (60 s when absent) up to `secondaryRetries`
   * times (default 2); the primary limit is retried once, when its reset is
   * at most `maxWaitSeconds` away (default 60). Otherwise the call fails with
   * a `GitHubApiError` of kind `rate_limited` carrying `retryAfterSeconds`.
   */
  rateLimit?: { maxWaitSeconds?: number; secondaryRetries?: number };
  /**
   * Space writes as GitHub asks (≥ 1 s between writes, ≥ 3 s between
   * content-creating writes such as comments), per client, through
   * plugin-throttling. Default true; tests turn it off.
   */
  spaceWrites?: boolean;
  /** Refresh an installation token this long before its `expires_at` (default 5 minutes). */
  tokenRefreshMarginMs?: number;
  /** Per-attempt timeout of one HTTP request (default 15 s). */
  requestTimeoutMs?: number;
  /** Clock of the token cache (tests move it forward). */
  now?: () => number;
  /** Default: Octokit's warnings are dropped ({@link getGitHubClient} sends them to the shared logger). */
  log?: GitHubClientLog;
}

/**
 * Creates are not retried on a 5xx or a timeout: GitHub often performs the
 * write and still answers 502/504, and a blind retry makes a second comment or
 * check run. The error surfaces instead (kind `unavailable`), the queue retries
 * the message, and callers find what was created (`upsertMarkedComment` by its
 * marker). Rate-limit rejections (403/429) are still retried: nothing was done.
 */
const NO_RETRY = { retries: 0 } as const;

/** Artifacts of one workflow run Assay reads at most. */
export const MAX_RUN_ARTIFACTS = 1000;

/** GitHub lists at most 3,000 files for a pull request. */
export const MAX_PULL_FILES = 3000;

/** Pins the REST API version on every request (a plugin: paginate's typings take no headers). */
function apiVersion(octokit: Octokit): void {
  octokit.hook.before('request', (request) => {
    request.headers['x-github-api-version'] ??= '2022-11-28';
  });
}

type ThrottleGroup = NonNullable<ThrottlingOptions['write']>;

/** A stand-in for a Bottleneck group that schedules immediately (used when `spaceWrites` is false). */
const immediateGroup = {
  key: () => ({
    schedule: (_options: unknown, task: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => task(...args)),
  }),
} as unknown as ThrottleGroup;

let clientSequence = 0;

function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

function assertPrivateKey(privateKey: string): void {
  try {
    const key = createPrivateKey(privateKey.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new GitHubNotConfiguredError(
      'The GitHub App private key is not a PEM-encoded RSA private key (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY")',
    );
  }
}

/** Builds the Octokit class every App and installation client of one {@link createGitHubClient} uses. */
function octokitClass(options: GitHubClientOptions, cache: InstallationTokenCache) {
  const maxWait = options.rateLimit?.maxWaitSeconds ?? 60;
  const secondaryRetries = options.rateLimit?.secondaryRetries ?? 2;
  const warn = (message: string) => options.log?.warn(message);
  const log = { debug: () => undefined, info: () => undefined, warn, error: warn };
  const id = `assay-github-${++clientSequence}`;
  const throttle: ThrottlingOptions = {
    id,
    onRateLimit: (retryAfter, request, _octokit, retryCount) => {
      const again = retryCount < 1 && retryAfter <= maxWait;
      warn(
        `GitHub primary rate limit on ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter} s` : `reset in ${retryAfter} s, giving up`}`,
      );
      return again;
    },
    onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
      const again = retryCount < secondaryRetries && retryAfter <= maxWait;
      warn(
        `GitHub secondary rate limit on ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return again;
    },
    ...(options.spaceWrites === false ? { write: immediateGroup, notifications: immediateGroup } : {}),
  };
  const defaults = {
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'assay',
    log,
    throttle,
    retry: {
      retries: options.retry?.retries ?? 3,
      retryAfterBaseValue: options.retry?.minDelayMs ?? 1000,
      // 403/429 belong to plugin-throttling; the rest are not worth repeating.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  };
  const fetchImpl = fetchWithTimeout(options.requestTimeoutMs ?? 15_000);
  return Octokit.plugin(apiVersion, retry, throttling, paginateRest).defaults((given: OctokitOptions) => ({
    ...given,
    ...defaults,
    request: { ...given.request, fetch: fetchImpl },
    // Applies to the App's octokit and to every installation octokit derived from it.
    auth: typeof given.auth === 'object' && given.auth !== null ? { ...given.auth, cache } : given.auth,
  }));
}

function operationOf(method: string, ref: RepoRef, path: string): string {
  return `${method} /repos/${ref.owner}/${ref.repo}${path}`;
}

function checkRunBody(input: Partial<CheckRunInput>, annotations: CheckRunAnnotation[] | undefined) {
  return {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.conclusion === undefined ? {} : { conclusion: input.conclusion }),
    ...(input.detailsUrl === undefined ? {} : { details_url: input.detailsUrl }),
    ...(input.externalId === undefined ? {} : { external_id: input.externalId }),
    ...(input.output === undefined
      ? {}
      : {
          output: {
            title: input.output.title,
            summary: input.output.summary,
            ...(input.output.text === undefined ? {} : { text: input.output.text }),
            ...(annotations === undefined || annotations.length === 0 ? {} : { annotations }),
          },
        }),
  };
}

/** The input with its output fitted to GitHub's limits (see limits.ts). */
function fitCheckRunInput<T extends Partial<CheckRunInput>>(input: T): T {
  return input.output === undefined ? input : { ...input, output: fitCheckRunOutput(input.output) };
}

/** What is sent instead of a check-run output GitHub refused: its title and a short note, no annotations. */
function fallbackCheckRun<T extends Partial<CheckRunInput>>(input: T, message: string): T {
  if (input.output === undefined) return input;
  const summary = `GitHub refused this check's full output (${message.slice(0, 500)}). The details link has the full result.`;
  return {
    ...input,
    output: { title: input.output.title, summary: summary.slice(0, MAX_CHECK_TEXT_BYTES / 4) },
  };
}

/** What is posted instead of a comment GitHub refused: its hidden marker line (if any) and a short note. */
function fallbackComment(body: string, message: string): string {
  const first = body.split('\n', 1)[0] ?? '';
  const marker = /^<!-- assay:[^\n<>]+ -->$/.test(first) ? `${first}\n` : '';
  return `${marker}Assay could not post this comment in full: GitHub refused it (${message.slice(0, 500)}).`;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A {@link GitHubClient} for one GitHub App over `@octokit/app`: App JWT →
 * installation tokens (cached in memory until `tokenRefreshMarginMs` before
 * their `expires_at`, never persisted), 5xx retries, rate-limit handling,
 * pagination, and responses checked with zod. Every failure is a
 * `GitHubApiError` (see github-errors.ts); a bad key is a
 * `GitHubNotConfiguredError` at once.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  if (String(options.appId ?? '').trim() === '')
    throw new GitHubNotConfiguredError('The GitHub App id is missing');
  assertPrivateKey(options.privateKey ?? '');
  const cache = new InstallationTokenCache({
    ...(options.tokenRefreshMarginMs === undefined ? {} : { refreshMarginMs: options.tokenRefreshMarginMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const GitHubOctokit = octokitClass(options, cache);
  const app = new App({ appId: options.appId, privateKey: options.privateKey, Octokit: GitHubOctokit });
  type InstallationOctokit = InstanceType<typeof GitHubOctokit>;
  const octokits = new Map<number, InstallationOctokit>();

  /** One Octokit per installation; it asks the shared cache for a token on every request. */
  async function installation(installationId: number): Promise<InstallationOctokit> {
    let octokit = octokits.get(installationId);
    if (!octokit) {
      octokit = await app.getInstallationOctokit(installationId);
      if (octokits.size >= 1000) octokits.clear();
      octokits.set(installationId, octokit);
    }
    return octokit;
  }

  async function run<T>(
    ref: RepoRef,
    operation: string,
    call: (octokit: InstallationOctokit) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(await installation(ref.installationId));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw toGitHubError(error, operation);
    }
  }

  const client: GitHubClient = {
    getIssue(ref, issueNumber): Promise<GitHubIssue> {
      const op = operationOf('GET', ref, `/issues/${issueNumber}`);
      return run(ref, op, async (octokit) => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
          owner: ref.owner,
          repo: ref.repo,
          issue_number: issueNumber,
        });
        return parseIssue(data, op);
      });
    },

    listIssueComments(ref, issueNumber): Promise<GitHubComment[]> {
      const op = operationOf('GET', ref, `/issues/${issueNumber}/comments`);
      return run(ref, op, async (octokit) => {
        const comments: GitHubComment[] = [];
        const pages = octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: ref.owner,
          repo: ref.repo,
          issue_number: issueNumber,
          per_page: 100,
        });
        for await (const page of pages) comments.push(...parseComments(page.data, op));
        return comments;
      });
    },

    createIssueComment(ref, issueNumber, body): Promise<GitHubComment> {
      const op = operationOf('POST', ref, `/issues/${issueNumber}/comments`);
      return run(ref, op, (octokit) =>
        withFallback(op, fitCommentBody(body), fallbackComment, async (text) => {
          const { data } = await octokit.request(
            'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
            { owner: ref.owner, repo: ref.repo, issue_number: issueNumber, body: text, request: NO_RETRY },
          );
          return parseComment(data, op);
        }),
      );
    },

    updateIssueComment(ref, commentId, body): Promise<GitHubComment> {
      const op = operationOf('PATCH', ref, `/issues/comments/${commentId}`);
      return run(ref, op, (octokit) =>
        withFallback(op, fitCommentBody(body), fallbackComment, async (text) => {
          const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
            owner: ref.owner,
            repo: ref.repo,
            comment_id: commentId,
            body: text,
          });
          return parseComment(data, op);
        }),
      );
    },

    getPull(ref, pullNumber): Promise<GitHubPull> {
      const op = operationOf('GET', ref, `/pulls/${pullNumber}`);
      return run(ref, op, async (octokit) => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner: ref.owner,
          repo: ref.repo,
          pull_number: pullNumber,
        });
        return parsePull(data, op);
      });
    },

    listPullFiles(ref, pullNumber): Promise<GitHubPullFile[]> {
      const op = operationOf('GET', ref, `/pulls/${pullNumber}/files`);
      return run(ref, op, async (octokit) => {
        const files: GitHubPullFile[] = [];
        const pages = octokit.paginate.iterator('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
          owner: ref.owner,
          repo: ref.repo,
          pull_number: pullNumber,
          per_page: 100,
        });
        for await (const page of pages) {
          files.push(...parsePullFiles(page.data, op));
          if (files.length >= MAX_PULL_FILES) break;
        }
        return files.slice(0, MAX_PULL_FILES);
      });
    },

    createCheckRun(ref, input): Promise<{ id: number }> {
      const op = operationOf('POST', ref, '/check-runs');
      return run(ref, op, (octokit) =>
        withFallback(op, fitCheckRunInput(input), fallbackCheckRun, async (fitted) => {
          const [first, ...rest] = chunks(fitted.output?.annotations ?? [], MAX_ANNOTATIONS_PER_REQUEST);
          const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
            owner: ref.owner,
            repo: ref.repo,
            head_sha: input.headSha,
            ...checkRunBody(fitted, first),
            name: input.name,
            request: NO_RETRY,
          });
          const created = parseCheckRun(data, op);
          await appendAnnotations(octokit, ref, created.id, fitted, rest);
          return created;
        }),
      );
    },

    updateCheckRun(ref, checkRunId, input): Promise<{ id: number }> {
      const op = operationOf('PATCH', ref, `/check-runs/${checkRunId}`);
      return run(ref, op, (octokit) =>
        withFallback(op, fitCheckRunInput(input), fallbackCheckRun, async (fitted) => {
          const [first, ...rest] = chunks(fitted.output?.annotations ?? [], MAX_ANNOTATIONS_PER_REQUEST);
          const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
            owner: ref.owner,
            repo: ref.repo,
            check_run_id: checkRunId,
            ...checkRunBody(fitted, first),
          });
          const updated = parseCheckRun(data, op);
          await appendAnnotations(octokit, ref, checkRunId, fitted, rest);
          return updated;
        }),
      );
    },

    compareCommits(ref, base, head) {
      const op = operationOf('GET', ref, `/compare/${base}...${head}`);
      return run(ref, op, async (octokit) => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
          owner: ref.owner,
          repo: ref.repo,
          basehead: `${base}...${head}`,
          per_page: 1,
        });
        return parseComparison(data, op);
      });
    },

    getCollaboratorPermission(ref, username): Promise<RepositoryPermission> {
      const op = operationOf('GET', ref, `/collaborators/${username}/permission`);
      return run(ref, op, async (octokit) => {
        const { data } = await octokit.request(
          'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
          {
            owner: ref.owner,
            repo: ref.repo,
            username,
          },
        );
        return parsePermission(data, op);
      });
    },

    listRunArtifacts(ref, runId): Promise<GitHubArtifact[]> {
      const op = operationOf('GET', ref, `/actions/runs/${runId}/artifacts`);
      return run(ref, op, async (octokit) => {
        const artifacts: GitHubArtifact[] = [];
        const pages = octokit.paginate.iterator('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
          owner: ref.owner,
          repo: ref.repo,
          run_id: runId,
          per_page: 100,
        });
        for await (const page of pages) {
          artifacts.push(...parseArtifacts(page.data, op).artifacts);
          if (artifacts.length >= MAX_RUN_ARTIFACTS) break;
        }
        return artifacts.slice(0, MAX_RUN_ARTIFACTS);
      });
    },

    downloadArtifact(ref, artifactId, maxBytes): Promise<Uint8Array> {
      const op = operationOf('GET', ref, `/actions/artifacts/${artifactId}/zip`);
      return run(ref, op, async (octokit) => {
        const { data, headers } = await octokit.request(
          'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
          { owner: ref.owner, repo: ref.repo, artifact_id: artifactId, archive_format: 'zip' },
        );
        const length = Number(headers['content-length'] ?? 0);
        if (length > maxBytes)
          throw new GitHubApiError(
            'failed',
            `Artifact ${artifactId} is ${length} bytes; the limit is ${maxBytes}`,
            {
              operation: op,
            },
          );
        const bytes =
          data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : typeof data === 'string'
              ? new TextEncoder().encode(data)
              : new Uint8Array(0);
        if (bytes.byteLength > maxBytes)
          throw new GitHubApiError(
            'failed',
            `Artifact ${artifactId} is ${bytes.byteLength} bytes; the limit is ${maxBytes}`,
            { operation: op },
          );
        return bytes;
      });
    },

    getFileSha(ref, path, gitRef): Promise<string | null> {
      const op = operationOf('GET', ref, `/contents/${path}`);
      return run(ref, op, async (octokit) => {
        try {
          const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
            owner: ref.owner,
            repo: ref.repo,
            path,
            ref: gitRef,
          });
          return parseFileSha(data, op);
        } catch (error) {
          if (toGitHubError(error, op).kind === 'not_found') return null;
          throw error;
        }
      });
    },

    forgetInstallation(installationId): void {
      cache.forgetInstallation(installationId);
      octokits.delete(installationId);
    },
  };

  /**
   * Sends `payload`; when GitHub refuses it with 422, logs GitHub's message
   * and sends `fallback(payload, message)` once instead, so a pull request is
   * never left without its comment or check because of what it said.
   */
  async function withFallback<P, R>(
    operation: string,
    payload: P,
    fallback: (payload: P, message: string) => P,
    send: (payload: P) => Promise<R>,
  ): Promise<R> {
    try {
      return await send(payload);
    } catch (error) {
      const refused = toGitHubError(error, operation);
      if (refused.kind !== 'validation') throw refused;
      options.log?.warn(`GitHub refused ${operation} (422): ${refused.message}; sending a shorter version`);
      return send(fallback(payload, refused.message));
    }
  }

  /** Sends annotations beyond the first 50 in further updates (GitHub appends them). */
  async function appendAnnotations(
    octokit: InstallationOctokit,
    ref: RepoRef,
    checkRunId: number,
    input: Partial<CheckRunInput>,
    batches: CheckRunAnnotation[][],
  ): Promise<void> {
    const output = input.output;
    if (!output) return;
    for (const annotations of batches) {
      await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner: ref.owner,
        repo: ref.repo,
        check_run_id: checkRunId,
        output: { title: output.title, summary: output.summary, annotations },
      });
    }
  }

  return client;
}

/**
 * Defers creating the client until the first call, so a missing App id or key
 * (or an unreadable secret) surfaces as a clear error where GitHub is used,
 * not at import. A failed load is retried on the next call.
 */
export function createLazyGitHubClient(load: () => Promise<GitHubClientOptions>): GitHubClient {
  let pending: Promise<GitHubClient> | undefined;
  let loaded: GitHubClient | undefined;
  const resolve = (): Promise<GitHubClient> => {
    pending ??= load()
      .then(createGitHubClient)
      .then((client) => {
        loaded = client;
        return client;
      })
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
  return {
    getIssue: async (...args) => (await resolve()).getIssue(...args),
    listIssueComments: async (...args) => (await resolve()).listIssueComments(...args),
    createIssueComment: async (...args) => (await resolve()).createIssueComment(...args),
    updateIssueComment: async (...args) => (await resolve()).updateIssueComment(...args),
    getPull: async (...args) => (await resolve()).getPull(...args),
    listPullFiles: async (...args) => (await resolve()).listPullFiles(...args),
    createCheckRun: async (...args) => (await resolve()).createCheckRun(...args),
    updateCheckRun: async (...args) => (await resolve()).updateCheckRun(...args),
    getCollaboratorPermission: async (...args) => (await resolve()).getCollaboratorPermission(...args),
    compareCommits: async (...args) => (await resolve()).compareCommits(...args),
    listRunArtifacts: async (...args) => (await resolve()).listRunArtifacts(...args),
    downloadArtifact: async (...args) => (await resolve()).downloadArtifact(...args),
    getFileSha: async (...args) => (await resolve()).getFileSha(...args),
    // Nothing is cached before the client exists.
    forgetInstallation: (installationId) => loaded?.forgetInstallation(installationId),
  };
}

/**
 * Reads the App's settings: `ASSAY_GITHUB_APP_ID`, `ASSAY_GITHUB_API_URL`, and
 * the private key through `getAppSecret('github-app')` — `ASSAY_GITHUB_PRIVATE_KEY`
 * locally, on AWS (`ASSAY_RUNTIME=aws`) the Secrets Manager secret whose ARN
 * is in `ASSAY_SECRET_ARN_GITHUB_APP`. Writes are spaced on AWS only.
 * Anything missing is one {@link GitHubNotConfiguredError} naming every variable.
 */
export async function loadGitHubClientOptions(): Promise<GitHubClientOptions> {
  const config = getConfig();
  const onAws = config.ASSAY_RUNTIME === 'aws';
  const appId = config.ASSAY_GITHUB_APP_ID;
  const privateKey = await getAppSecret('github-app').catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'not_configured') return undefined;
    throw error;
  });
  const missing = [
    ...(appId ? [] : ['ASSAY_GITHUB_APP_ID']),
    ...(privateKey
      ? []
      : [
          onAws
            ? 'ASSAY_SECRET_ARN_GITHUB_APP (the secret holding the private key)'
            : 'ASSAY_GITHUB_PRIVATE_KEY',
        ]),
  ];
  if (!appId || !privateKey)
    throw new GitHubNotConfiguredError(`GitHub App is not configured: set ${missing.join(' and ')}`);
  return {
    appId,
    privateKey,
    baseUrl: config.ASSAY_GITHUB_API_URL,
    spaceWrites: onAws,
    log: { warn: (message) => getLogger().warn(message) },
  };
}

let shared: GitHubClient | undefined;

/**
 * The process-wide client, configured from the environment (see
 * {@link loadGitHubClientOptions}) on first use. A missing App id or key is a
 * `GitHubNotConfiguredError` (code `not_configured`) from the first call.
 */
export function getGitHubClient(): GitHubClient {
  shared ??= createLazyGitHubClient(() => loadGitHubClientOptions());
  return shared;
}

/** Forgets the process-wide client (after the environment changes, in tests). */
export function resetGitHubClient(): void {
  shared = undefined;
}
