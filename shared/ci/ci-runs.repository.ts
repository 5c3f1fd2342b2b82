/**
 * SQL of CI runs and the uploads issued to them.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { pullOfRef, type UploadKind } from './upload-kinds.ts';

type Trx = Transaction<Database>;

/** The open pull request whose head is `sha`, if any (the newest when several). */
export async function openPullWithHead(trx: Trx, repositoryId: string, sha: string): Promise<number | null> {
  const row = await trx
    .selectFrom('pull_requests')
    .select('number')
    .where('repository_id', '=', repositoryId)
    .where(sql`lower(head_sha)`, '=', sha.toLowerCase())
    .where('state', '=', 'open')
    .orderBy('number', 'desc')
    .executeTakeFirst();
  return row?.number ?? null;
}

/**
 * The head commit and pull request a run validates. A `pull_request` workflow
 * builds GitHub's merge commit (`refs/pull/{n}/merge`), whose SHA is not the
 * pull request's head: such a run is tied to that pull request and its
 * current head. Otherwise the run's own SHA is the head, tied to the open
 * pull request with that head, if any.
 */
export async function resolveRunHead(
  trx: Trx,
  repositoryId: string,
  scope: { sha: string; ref: string | null },
): Promise<{ headSha: string; pullNumber: number | null }> {
  const mergedPull = pullOfRef(scope.ref);
  if (mergedPull !== null) {
    const pull = await trx
      .selectFrom('pull_requests')
      .select(['number', 'head_sha'])
      .where('repository_id', '=', repositoryId)
      .where('number', '=', mergedPull)
      .executeTakeFirst();
    if (pull) return { headSha: pull.head_sha.toLowerCase(), pullNumber: pull.number };
  }
  return { headSha: scope.sha, pullNumber: await openPullWithHead(trx, repositoryId, scope.sha) };
}

/** A CI run as stored. */
export interface CiRunRow {
  id: string;
  run_id: string;
  head_sha: string;
  pull_number: number | null;
}

/**
 * Creates the run `(repository, runId)` or returns the existing one — filling
 * in its pull request if it had none yet. `undefined` when that run id is
 * already taken by another head SHA (the run cannot be re-pointed).
 */
export async function upsertCiRun(
  trx: Trx,
  run: {
    orgId: string;
    repositoryId: string;
    runId: string;
    headSha: string;
    pullNumber: number | null;
    authKind: 'oidc' | 'upload_token' | 'github_app';
    uploadTokenId: string | null;
    ref: string | null;
  },
): Promise<CiRunRow | undefined> {
  return trx
    .insertInto('ci_runs')
    .values({
      org_id: run.orgId,
      repository_id: run.repositoryId,
      run_id: run.runId,
      head_sha: run.headSha,
      pull_number: run.pullNumber,
      auth_kind: run.authKind,
      upload_token_id: run.uploadTokenId,
      ref: run.ref,
    })
    .onConflict((oc) =>
      oc
        .constraint('ci_runs_repository_run_key')
        .doUpdateSet({
          pull_number: sql<number | null>`coalesce(ci_runs.pull_number, excluded.pull_number)`,
          ref: sql<string | null>`coalesce(ci_runs.ref, excluded.ref)`,
        })
        .where('ci_runs.head_sha', '=', run.headSha),
    )
    .returning(['id', 'run_id', 'head_sha', 'pull_number'])
    .executeTakeFirst();
}

/** Records one issued upload (status `issued`). */
export async function insertCiUpload(
  trx: Trx,
  upload: {
    orgId: string;
    ciRunId: string;
    kind: UploadKind;
    objectKey: string;
    contentType: string;
    expiresAt: Date;
  },
): Promise<void> {
  await trx
    .insertInto('ci_uploads')
    .values({
      org_id: upload.orgId,
      ci_run_id: upload.ciRunId,
      kind: upload.kind,
      object_key: upload.objectKey,
      content_type: upload.contentType,
      expires_at: upload.expiresAt,
    })
    .execute();
}
