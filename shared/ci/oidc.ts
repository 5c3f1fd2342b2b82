/**
 * Verifying a GitHub Actions OIDC token (`id-token: write`, audience `assay`).
 *
 * @module
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { DomainError, UnauthorizedError } from '../errors.ts';
import { commitShaSchema, gitRefSchema, OIDC_AUDIENCE } from './upload-kinds.ts';

export { OIDC_AUDIENCE };

/** The claims that scope an upload; the rest of GitHub's claims are ignored. */
const claimsSchema = z.object({
  repository: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, 'owner/repo'),
  repository_id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]).optional(),
  sha: commitShaSchema,
  run_id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]),
  run_attempt: z.union([z.string().regex(/^\d{1,6}$/), z.number().int().positive()]).optional(),
  ref: gitRefSchema.optional().catch(undefined),
});

/** What a verified token says about the workflow run. */
export interface GithubOidcClaims {
  /** `owner/repo`. */
  repository: string;
  /** GitHub's numeric repository id, when the token carries it. */
  repositoryId?: string;
  /** The commit the workflow runs on (lower-cased). */
  sha: string;
  /** The workflow run id. */
  runId: string;
  /** The attempt of the run (1 for the first), when the token carries it. */
  runAttempt?: string;
  /** The ref the workflow runs on (`refs/heads/main`, `refs/pull/12/merge`), when usable. */
  ref?: string;
}

/** Where tokens come from and how their keys are fetched. */
export interface OidcVerifierOptions {
  issuer: string;
  jwksUrl: string;
}

const keySets = new Map<string, JWTVerifyGetKey>();

/** One remote JWKS per URL for the life of the process (jose caches and refreshes the keys). */
function keySetFor(url: string): JWTVerifyGetKey {
  let keySet = keySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url));
    keySets.set(url, keySet);
  }
  return keySet;
}

/**
 * Verifies a GitHub Actions OIDC token: RS256 signature against the issuer's
 * JWKS, issuer, audience `assay`, expiry (and not-before), and the claims that
 * scope an upload. Any failure of the token is a 401; a JWKS that cannot be
 * fetched is GitHub's failure (502), not the caller's.
 */
export async function verifyGithubOidcToken(
  token: string,
  options: OidcVerifierOptions,
): Promise<GithubOidcClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keySetFor(options.jwksUrl), {
      issuer: options.issuer,
      audience: OIDC_AUDIENCE,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
      throw new DomainError('github_api_error', 'The GitHub OIDC keys could not be fetched', {
        cause: error,
      });
    }
    throw new UnauthorizedError(`OIDC token rejected: ${error.message}`, 'invalid_oidc_token');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const fields = claims.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new UnauthorizedError(`OIDC token lacks usable claims: ${fields}`, 'invalid_oidc_token');
  }
  const { repository, repository_id, sha, run_id, run_attempt, ref } = claims.data;
  return {
    repository,
    sha: sha.toLowerCase(),
    runId: String(run_id),
    ...(repository_id === undefined ? {} : { repositoryId: String(repository_id) }),
    ...(run_attempt === undefined ? {} : { runAttempt: String(run_attempt) }),
    ...(ref === undefined ? {} : { ref }),
  };
}
