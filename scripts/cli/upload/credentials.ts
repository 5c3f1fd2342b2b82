/**
 * The credential `assay upload` sends to `POST /ci/uploads`: an upload token
 * when one is given, otherwise a GitHub Actions OIDC token requested for the
 * audience `assay`.
 *
 * @module
 */
import { z } from 'zod';
import { OIDC_AUDIENCE, UPLOAD_TOKEN_PREFIX } from '../../../shared/ci/upload-kinds.ts';
import { UPLOAD_EXIT, UploadError } from './errors.ts';
import { describeNetworkError, type RetryPolicy, withRetries } from './retry.ts';

/** A bearer credential and what it is. */
export interface Credential {
  kind: 'oidc' | 'upload_token';
  token: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const idTokenResponse = z.object({ value: z.string().min(1) });

/** The permission a workflow needs to get an OIDC token, as the fix for a missing or refused one. */
export const OIDC_PERMISSION_HINT =
  'Give the job `permissions: id-token: write` (a workflow that sets `permissions:` must list it; ' +
  'pull requests from forks get no OIDC token — use an upload token there, or skip the upload)';

/**
 * Requests a GitHub Actions OIDC token: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=assay`
 * with `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{ "value": "<JWT>" }`.
 * Transient failures are retried; anything else is an {@link UploadError} with the auth exit code.
 */
export async function requestOidcToken(
  requestUrl: string,
  requestToken: string,
  retry: RetryPolicy,
): Promise<string> {
  const url = new URL(requestUrl);
  url.searchParams.set('audience', OIDC_AUDIENCE);
  const outcome = await withRetries(
    () =>
      fetch(url, {
        headers: { authorization: `bearer ${requestToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(30_000),
      }),
    retry,
  );
  if ('error' in outcome) {
    throw new UploadError(
      UPLOAD_EXIT.auth,
      `Could not reach GitHub's OIDC token endpoint: ${describeNetworkError(outcome.error)}`,
    );
  }
  const { response } = outcome;
  const body = await response.text();
  if (!response.ok) {
    throw new UploadError(
      UPLOAD_EXIT.auth,
      `GitHub refused an OIDC token (HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}). ${OIDC_PERMISSION_HINT}.`,
    );
  }
  let parsed: z.infer<typeof idTokenResponse>;
  try {
    parsed = idTokenResponse.parse(JSON.parse(body));
  } catch {
    throw new UploadError(UPLOAD_EXIT.auth, "GitHub's OIDC token endpoint answered without a token");
  }
  return parsed.value;
}

/**
 * Picks the credential: `token` (the `--token` flag or `ASSAY_UPLOAD_TOKEN`)
 * when given; else, inside GitHub Actions with `id-token: write`, an OIDC
 * token; else an {@link UploadError} naming what to set.
 */
export async function resolveCredential(
  token: string | undefined,
  env: Env,
  retry: RetryPolicy,
): Promise<Credential> {
  const given = token?.trim() || env.ASSAY_UPLOAD_TOKEN?.trim();
  if (given) return { kind: given.startsWith(UPLOAD_TOKEN_PREFIX) ? 'upload_token' : 'oidc', token: given };
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (requestUrl && requestToken) {
    return { kind: 'oidc', token: await requestOidcToken(requestUrl, requestToken, retry) };
  }
  if (env.GITHUB_ACTIONS === 'true') {
    throw new UploadError(
      UPLOAD_EXIT.auth,
      `No GitHub Actions OIDC token is available to this step. ${OIDC_PERMISSION_HINT}.`,
    );
  }
  throw new UploadError(
    UPLOAD_EXIT.auth,
    'No credential: outside GitHub Actions pass an upload token with --token or ASSAY_UPLOAD_TOKEN ' +
      '(create one with POST /api/v1/repos/{owner}/{repo}/upload-tokens and keep it as a CI secret)',
  );
}
