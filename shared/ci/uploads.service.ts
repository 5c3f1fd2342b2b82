/**
 * `POST /ci/uploads`: authenticate CI, record the run, issue a presigned PUT.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError } from '../errors.ts';
import { type CiRequestHints, resolveCiScope } from './ci-auth.ts';
import { insertCiUpload, resolveRunHead, upsertCiRun } from './ci-runs.repository.ts';
import type { OidcVerifierOptions } from './oidc.ts';
import { type PresignPut, presignedPutHeaders } from './presigner.ts';
import { UPLOAD_FORMATS, UPLOAD_URL_TTL_SECONDS, type UploadKind, uploadObjectKey } from './upload-kinds.ts';

/** What the uploads service needs. */
export interface CiUploadsDeps {
  db: Kysely<Database>;
  oidc: OidcVerifierOptions;
  presignPut: PresignPut;
  now?: () => Date;
}

/** The request: the kind of report, plus hints the credential may override. */
export interface CiUploadRequest extends CiRequestHints {
  kind: UploadKind;
}

/** A presigned upload: PUT the file to `url` with `headers` before `expiresAt`. */
export interface IssuedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
  runId: string;
  /** Where the object will live (also recorded, so the report consumer can check it). */
  key: string;
  /** The open pull request the run is tied to, if any. */
  pullNumber: number | null;
}

/**
 * Issues one presigned PUT URL (15 minutes) for a report of `kind`, under
 * `orgs/{org}/repos/{repo}/runs/{run}/{kind}/{uuid}.{ext}`. The run record
 * (repository, run id → head SHA, open PR with that head) is created or
 * reused, and the issued key is recorded with status `issued`. A run id
 * already used with another SHA is a 409.
 */
export async function issueCiUpload(
  deps: CiUploadsDeps,
  headers: Readonly<Record<string, string>>,
  request: CiUploadRequest,
): Promise<IssuedUpload> {
  const scope = await resolveCiScope(deps.db, deps.oidc, headers, request);
  const { repository } = scope;
  const format = UPLOAD_FORMATS[request.kind];
  const key = uploadObjectKey({
    org: repository.orgLogin,
    repo: repository.name,
    runId: scope.runId,
    kind: request.kind,
    uuid: randomUUID(),
  });
  const expiresAt = new Date((deps.now?.() ?? new Date()).getTime() + UPLOAD_URL_TTL_SECONDS * 1000);

  const run = await withTenant(deps.db, repository.orgId, async (trx) => {
    const { headSha, pullNumber } = await resolveRunHead(trx, repository.id, scope);
    const row = await upsertCiRun(trx, {
      orgId: repository.orgId,
      repositoryId: repository.id,
      runId: scope.runId,
      headSha,
      pullNumber,
      authKind: scope.authKind,
      uploadTokenId: scope.uploadTokenId,
      ref: scope.ref,
    });
    if (!row) {
      throw new ConflictError(
        `Run ${scope.runId} of ${repository.fullName} was recorded for another commit`,
        'run_sha_mismatch',
      );
    }
    await insertCiUpload(trx, {
      orgId: repository.orgId,
      ciRunId: row.id,
      kind: request.kind,
      objectKey: key,
      contentType: format.contentType,
      expiresAt,
    });
    return row;
  });

  const url = await deps.presignPut(key, format.contentType, UPLOAD_URL_TTL_SECONDS);
  return {
    url,
    method: 'PUT',
    headers: presignedPutHeaders(format.contentType),
    expiresAt: expiresAt.toISOString(),
    runId: scope.runId,
    key,
    pullNumber: run.pull_number,
  };
}
