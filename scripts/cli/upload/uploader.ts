/**
 * `assay upload`'s work: match the report files, check each one locally with
 * the report consumer's parsers (the summary `assay report` prints), get a
 * credential, then per file ask `POST /ci/uploads` for a presigned URL and PUT
 * the file to it with exactly the headers the answer lists. Transient
 * failures (429, 5xx, network) are retried on both calls.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { postCiUploads } from '../../../functions/contracts/ci.ts';
import { errorEnvelopeSchema } from '../../../functions/kit/error-envelope.ts';
import { UPLOAD_KINDS, type UploadKind } from '../../../shared/ci/upload-kinds.ts';
import { summarizeReport } from '../report-command.ts';
import { type Credential, OIDC_PERMISSION_HINT, resolveCredential } from './credentials.ts';
import { UPLOAD_EXIT, UploadError, type UploadExitCode } from './errors.ts';
import { matchFiles } from './match-files.ts';
import { describeNetworkError, type RetryPolicy, withRetries } from './retry.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** What to upload, where, and how. */
export interface UploadRequest {
  /** Assay's API base URL (a path prefix such as an API Gateway stage is kept). */
  url: string;
  /** Glob patterns per kind of report (`!pattern` excludes). */
  patterns: Readonly<Record<UploadKind, readonly string[]>>;
  /** An upload token (else `ASSAY_UPLOAD_TOKEN`, else GitHub Actions OIDC). */
  token?: string;
  /** With an upload token: the commit, ref and run id to send (from flags or CI variables). */
  sha?: string;
  ref?: string;
  runId?: string;
  /** Upload files that fail the local check. */
  force: boolean;
  /** A kind asked for that matched no file fails the upload (exit 5). */
  failOnMissing: boolean;
  /** Where relative patterns are read from. */
  cwd: string;
  env: Env;
  retry: RetryPolicy;
  /** Files uploaded at once. Default 4. */
  concurrency?: number;
  /** One human-readable line of progress. */
  log: (line: string) => void;
  /** Told the credential once it is known, so CI can mask it in logs. */
  mask?: (secret: string) => void;
}

/** What happened to one matched file. */
export interface FileOutcome {
  /** Relative to the working directory. */
  file: string;
  kind: UploadKind;
  bytes: number;
  status: 'uploaded' | 'invalid' | 'failed' | 'not_attempted';
  key?: string;
  runId?: string;
  pullNumber?: number | null;
  error?: string;
}

/** The whole upload: the exit code, and what happened to each file and pattern. */
export interface UploadResult {
  exitCode: UploadExitCode;
  uploaded: number;
  /** The run the reports were filed under (from Assay's answer). */
  runId: string | null;
  pullNumber: number | null;
  files: FileOutcome[];
  /** Patterns that matched no file. */
  unmatched: { kind: UploadKind; pattern: string }[];
  /** Why the upload stopped (also printed on standard error). */
  error?: string;
}

// The route's own response contract: the client reads exactly what the server promises.
const uploadResponse = postCiUploads.response!;

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** Why a local check refuses `path` as a report of `kind`, or `undefined` when it is fine. */
async function checkReport(path: string, kind: UploadKind): Promise<string | undefined> {
  const summary = await summarizeReport(path);
  if (!summary.valid) return summary.error;
  const actual: UploadKind =
    'format' in summary
      ? 'code-health'
      : 'reportFormat' in summary && summary.reportFormat === 'CTRF'
        ? 'ctrf'
        : 'junit';
  if (actual === kind) return undefined;
  const said = { junit: 'JUnit XML', ctrf: 'a CTRF report', 'code-health': 'a code-health report' } as const;
  return `matched as ${said[kind]}, but it is ${said[actual]} (list it under ${actual})`;
}

/** The commit checked out in `cwd`, when it is a git work tree. */
async function gitHead(cwd: string): Promise<{ sha?: string; ref?: string }> {
  const run = promisify(execFile);
  const read = async (args: string[]) => {
    try {
      return (await run('git', args, { cwd, timeout: 10_000 })).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const sha = await read(['rev-parse', 'HEAD']);
  const ref = await read(['symbolic-ref', '-q', 'HEAD']);
  return { sha: sha && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined, ref };
}

/** The message and exit code for a refusal of `POST /ci/uploads`. */
function refusal(status: number, body: string, credential: Credential): UploadError {
  let code = '';
  let message = body.slice(0, 300) || `HTTP ${status}`;
  try {
    const envelope = errorEnvelopeSchema.parse(JSON.parse(body));
    code = envelope.error.code;
    message = envelope.error.message;
  } catch {
    // Not Assay's error envelope (a proxy's page): keep the start of the body.
  }
  const said = `Assay answered ${status}${code ? ` ${code}` : ''}: ${message}`;
  if (status === 401 && credential.kind === 'oidc') {
    return new UploadError(
      UPLOAD_EXIT.auth,
      `${said}. The OIDC token is requested for the audience "assay"; check that --url is this Assay's API and that it trusts GitHub's issuer. ${OIDC_PERMISSION_HINT}.`,
    );
  }
  if (status === 401) {
    return new UploadError(
      UPLOAD_EXIT.auth,
      `${said}. The upload token is invalid, expired or revoked: create a new one (POST /api/v1/repos/{owner}/{repo}/upload-tokens) and update the CI secret.`,
    );
  }
  if (status === 403) {
    return new UploadError(
      UPLOAD_EXIT.auth,
      `${said}. Install the Assay GitHub App on the repository (or add the repository to the App's installation).`,
    );
  }
  if (status === 404 || status === 405) {
    return new UploadError(
      UPLOAD_EXIT.failed,
      `${said} — is --url Assay's API URL (the one serving /ci/uploads)?`,
    );
  }
  return new UploadError(UPLOAD_EXIT.failed, said);
}

interface Target {
  path: string;
  outcome: FileOutcome;
}

interface UploadContext {
  endpoint: string;
  credential: Credential;
  hints: { sha?: string; ref?: string; runId?: string };
  retry: RetryPolicy;
  log: (line: string) => void;
}

async function uploadOne(target: Target, ctx: UploadContext): Promise<void> {
  const { outcome } = target;
  const retry: RetryPolicy = {
    ...ctx.retry,
    onRetry: ({ attempt, delayMs, reason }) =>
      ctx.log(
        `  ${outcome.file}: ${reason}, retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`,
      ),
  };
  const asked = await withRetries(
    () =>
      fetch(ctx.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ctx.credential.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ kind: outcome.kind, ...ctx.hints }),
        signal: AbortSignal.timeout(60_000),
      }),
    retry,
  );
  if ('error' in asked) {
    throw new UploadError(UPLOAD_EXIT.failed, `Could not reach Assay: ${describeNetworkError(asked.error)}`);
  }
  const text = await asked.response.text();
  if (asked.response.status !== 201) throw refusal(asked.response.status, text, ctx.credential);
  const issued = uploadResponse.parse(JSON.parse(text));

  const body = await openAsBlob(target.path);
  let attempts = 0;
  const put = await withRetries(() => {
    attempts += 1;
    return fetch(issued.url, {
      method: 'PUT',
      // Exactly the headers Assay signed (content-type, if-none-match: *).
      headers: issued.headers,
      body,
      signal: AbortSignal.timeout(10 * 60_000),
    });
  }, retry);
  if ('error' in put) {
    throw new UploadError(
      UPLOAD_EXIT.failed,
      `Could not upload ${outcome.file}: ${describeNetworkError(put.error)}`,
    );
  }
  const status = put.response.status;
  const answer = await put.response.text();
  // 412 on a retry: an earlier attempt wrote the object (the key is new and only we know the URL).
  if (!put.response.ok && !(status === 412 && attempts > 1)) {
    throw new UploadError(
      UPLOAD_EXIT.failed,
      `The object store refused ${outcome.file} (HTTP ${status}${answer ? `: ${answer.slice(0, 300)}` : ''})`,
    );
  }
  Object.assign(outcome, {
    status: 'uploaded',
    key: issued.key,
    runId: issued.runId,
    pullNumber: issued.pullNumber,
  } satisfies Partial<FileOutcome>);
  ctx.log(
    `uploaded ${outcome.kind} ${outcome.file} (${formatBytes(outcome.bytes)}) → run ${issued.runId}${
      issued.pullNumber === null ? '' : `, pull request #${issued.pullNumber}`
    }`,
  );
}

function finish(
  exitCode: UploadExitCode,
  files: FileOutcome[],
  unmatched: UploadResult['unmatched'],
  error?: string,
): UploadResult {
  const uploaded = files.filter((f) => f.status === 'uploaded');
  const result: UploadResult = {
    exitCode,
    uploaded: uploaded.length,
    runId: uploaded[0]?.runId ?? null,
    pullNumber: uploaded.find((f) => f.pullNumber != null)?.pullNumber ?? null,
    files,
    unmatched,
  };
  return error === undefined ? result : { ...result, error };
}

/**
 * Uploads every file the patterns match; resolves to the exit code and what
 * happened to each file. Nothing is uploaded when a file fails the local
 * check (unless `force`); an auth refusal stops the files not yet started.
 * Exit codes: {@link UPLOAD_EXIT}.
 */
export async function uploadReports(request: UploadRequest): Promise<UploadResult> {
  const { cwd, log } = request;
  const files: FileOutcome[] = [];
  const paths = new Map<FileOutcome, string>();
  const unmatched: UploadResult['unmatched'] = [];
  const missingKinds: UploadKind[] = [];
  for (const kind of UPLOAD_KINDS) {
    const patterns = request.patterns[kind];
    if (patterns.length === 0) continue;
    const matched = await matchFiles(patterns, cwd);
    for (const pattern of matched.unmatched) {
      unmatched.push({ kind, pattern });
      log(`no file matches ${kind} pattern "${pattern}"`);
    }
    if (matched.files.length === 0) missingKinds.push(kind);
    for (const path of matched.files) {
      const outcome: FileOutcome = {
        file: relative(cwd, path) || path,
        kind,
        bytes: (await stat(path)).size,
        status: 'not_attempted',
      };
      files.push(outcome);
      paths.set(outcome, path);
    }
  }
  if (request.failOnMissing && missingKinds.length > 0) {
    return finish(
      UPLOAD_EXIT.missing,
      files,
      unmatched,
      `No ${missingKinds.join(' or ')} report matched (fail-on-missing); nothing was uploaded`,
    );
  }
  if (files.length === 0) {
    log('no report files matched: nothing to upload');
    return finish(UPLOAD_EXIT.ok, files, unmatched);
  }

  if (!request.force) {
    for (const outcome of files) {
      const reason = await checkReport(paths.get(outcome) ?? outcome.file, outcome.kind);
      if (reason !== undefined) Object.assign(outcome, { status: 'invalid', error: reason });
    }
    const invalid = files.filter((f) => f.status === 'invalid');
    if (invalid.length > 0) {
      for (const f of invalid) log(`invalid ${f.kind} report ${f.file}: ${f.error}`);
      return finish(
        UPLOAD_EXIT.invalid,
        files,
        unmatched,
        `${invalid.length} of ${files.length} file(s) are not valid reports; nothing was uploaded (--force uploads them anyway)`,
      );
    }
  }

  let ctx: UploadContext;
  try {
    const credential = await resolveCredential(request.token, request.env, request.retry);
    request.mask?.(credential.token);
    let hints: UploadContext['hints'] = {};
    if (credential.kind === 'upload_token') {
      // The token names the repository; the commit, ref and run come from us.
      const git = request.sha && request.ref ? {} : await gitHead(cwd);
      const sha = request.sha ?? git.sha;
      if (!sha) {
        throw new UploadError(
          UPLOAD_EXIT.usage,
          'An upload token needs the commit: pass --sha (no CI variable or git checkout gave one)',
        );
      }
      const ref = request.ref ?? git.ref;
      // One run id for every file of this invocation, so they are validated together.
      hints = { sha, runId: request.runId ?? randomUUID(), ...(ref ? { ref } : {}) };
    }
    ctx = {
      endpoint: `${request.url.replace(/\/+$/, '')}/ci/uploads`,
      credential,
      hints,
      retry: request.retry,
      log,
    };
  } catch (error) {
    if (error instanceof UploadError) return finish(error.exitCode, files, unmatched, error.message);
    throw error;
  }

  let stop: UploadError | undefined;
  const failures: string[] = [];
  const queue = [...files];
  const worker = async () => {
    for (let next = queue.shift(); next && !stop; next = queue.shift()) {
      const outcome = next;
      try {
        await uploadOne({ path: paths.get(outcome) ?? outcome.file, outcome }, ctx);
      } catch (error) {
        const failure =
          error instanceof UploadError ? error : new UploadError(UPLOAD_EXIT.failed, String(error));
        Object.assign(outcome, { status: 'failed', error: failure.message });
        if (failure.exitCode === UPLOAD_EXIT.auth) stop = failure;
        else {
          failures.push(`${outcome.file}: ${failure.message}`);
          log(`failed ${outcome.kind} ${outcome.file}: ${failure.message}`);
        }
      }
    }
  };
  const width = Math.max(1, Math.min(request.concurrency ?? 4, files.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (stop) return finish(stop.exitCode, files, unmatched, stop.message);
  if (failures.length > 0) {
    return finish(
      UPLOAD_EXIT.failed,
      files,
      unmatched,
      `${failures.length} of ${files.length} upload(s) failed:\n${failures.join('\n')}`,
    );
  }
  return finish(UPLOAD_EXIT.ok, files, unmatched);
}
