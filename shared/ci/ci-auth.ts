/**
 * Who is uploading, for which repository, commit and run: decided by the
 * credential (a GitHub Actions OIDC token or a repository upload token), never
 * by the request body alone.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import { type CiRepository, findRepositoryByFullName, findRepositoryById } from './installed-repository.ts';
import { type OidcVerifierOptions, verifyGithubOidcToken } from './oidc.ts';
import { authenticateUploadToken, UPLOAD_TOKEN_PREFIX } from './upload-tokens.service.ts';

/** The scope an upload is issued for. */
export interface CiScope {
  repository: CiRepository;
  /** Head commit (lower-case hex). */
  sha: string;
  /** The CI run the upload belongs to (as it appears in the object key). */
  runId: string;
  authKind: 'oidc' | 'upload_token';
  uploadTokenId: string | null;
  /** The git ref built, when known (OIDC `ref` claim, else the body's). */
  ref: string | null;
}

/** What the client asked for; with OIDC the token's claims win over it. */
export interface CiRequestHints {
  sha?: string;
  runId?: string;
  ref?: string;
}

/** Reads the bearer credential (401 when there is none or it is malformed). */
export function bearerOf(headers: Readonly<Record<string, string>>): string {
  const authorization = headers.authorization;
  if (authorization === undefined) {
    throw new UnauthorizedError(
      'Send a GitHub Actions OIDC token or an Assay upload token as "Authorization: Bearer"',
      'unauthorized',
    );
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthorizedError('Authorization must be "Bearer <token>"', 'invalid_token');
  return match[1];
}

function requireInstalled(repository: CiRepository | undefined, fullName: string): CiRepository {
  if (!repository?.installed) {
    throw new ForbiddenError(
      `The Assay GitHub App is not installed on ${fullName}`,
      'repository_not_installed',
    );
  }
  return repository;
}

/**
 * Resolves the upload scope from the `Authorization` header:
 * - an OIDC token: `repository`, `sha`, `run_id` (and `run_attempt`) claims
 *   decide everything; the repository must be installed (403 otherwise) and,
 *   when the token names GitHub's repository id, be that repository;
 * - an upload token: the token decides the repository; `sha` must come in the
 *   body (400 otherwise); the run id comes from the body or is generated.
 */
export async function resolveCiScope(
  db: Kysely<Database>,
  oidc: OidcVerifierOptions,
  headers: Readonly<Record<string, string>>,
  hints: CiRequestHints,
): Promise<CiScope> {
  const credential = bearerOf(headers);
  if (credential.startsWith(UPLOAD_TOKEN_PREFIX)) {
    const grant = await authenticateUploadToken(db, credential);
    const repository = await findRepositoryById(db, grant.repositoryId);
    const installed = requireInstalled(repository, repository?.fullName ?? 'this repository');
    if (!hints.sha) {
      throw new ValidationError('sha is required when uploading with an upload token', [
        { path: 'body.sha', message: 'Required with an upload token' },
      ]);
    }
    return {
      repository: installed,
      sha: hints.sha.toLowerCase(),
      runId: hints.runId ?? randomUUID(),
      authKind: 'upload_token',
      uploadTokenId: grant.tokenId,
      ref: hints.ref ?? null,
    };
  }
  const claims = await verifyGithubOidcToken(credential, oidc);
  const repository = requireInstalled(
    await findRepositoryByFullName(db, claims.repository),
    claims.repository,
  );
  if (claims.repositoryId !== undefined && claims.repositoryId !== repository.githubId) {
    throw new ForbiddenError(
      `${claims.repository} is not the repository Assay knows under that name`,
      'repository_not_installed',
    );
  }
  return {
    repository,
    sha: claims.sha,
    runId: claims.runAttempt === undefined ? claims.runId : `${claims.runId}-${claims.runAttempt}`,
    authKind: 'oidc',
    uploadTokenId: null,
    ref: claims.ref ?? hints.ref ?? null,
  };
}
