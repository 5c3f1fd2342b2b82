/**
 * Fork-safe reports (issue 30): when a workflow run completes, Assay lists its
 * artifacts, downloads those named `assay-*` with its installation token
 * (`actions: read`), extracts the JUnit, CTRF and SARIF/code-health files
 * under the limits of `artifact-zip.ts`, and feeds each into the same report
 * pipeline as an upload (`handleUploadedObject`) for the run's head SHA, then
 * validates that SHA once. Nothing in the workflow but
 * `actions/upload-artifact` with an `assay-` name: no OIDC, no secret, so
 * pull requests from forks and Dependabot report too.
 *
 * Each pulled report records its provenance on its CI run: the workflow run,
 * the workflow file's path and blob SHA at the head commit, the head
 * repository, whether that is a fork, whether the pull request changed the
 * workflow file, and the author's association (see `fork-trust.ts` for what
 * a fork's reports may prove).
 *
 * Idempotent per artifact: `ci_artifacts` is unique per (repository, GitHub
 * artifact id); an artifact already pulled, expired, invalid or rejected is
 * not fetched again, and the object keys of its reports are derived from its
 * id, so a retried message neither duplicates nor double-counts.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import type { GitHubClient, RepoRef } from '../github/github-client.types.ts';
import { GitHubApiError } from '../github/github-errors.ts';
import type { ArtifactsMessage } from '../queues/messages.ts';
import { findInstalledRepository } from '../repositories/find-repository.ts';
import { toStorableText } from '../text/well-formed.ts';
import { handleUploadedObject, type ReportOutcome } from '../validation/report-intake.service.ts';
import { isTestWorkflow } from '../validation/workflow-runs.ts';
import { type ArtifactEntry, ArtifactRejected, artifactLimits, extractArtifact } from './artifact-zip.ts';
import { openPullWithHead, upsertCiRun } from './ci-runs.repository.ts';
import { UPLOAD_FORMATS, type UploadKind } from './upload-kinds.ts';

/** Artifacts whose name starts with this (case-insensitive) are pulled. */
export const ARTIFACT_PREFIX = 'assay-';

/** What pulling needs. */
export interface PullArtifactsDeps {
  db: Kysely<Database>;
  github: GitHubClient;
  /** Stores a pulled report's bytes at `key` (the raw report, expiring like uploads). */
  putObject: (key: string, bytes: Uint8Array, contentType: string) => Promise<void>;
  deleteObject: (key: string) => Promise<void>;
  /** Largest report file (`ASSAY_REPORT_MAX_BYTES`); an archive may be at most 4× this. */
  maxReportBytes: number;
  log: (message: string, attributes: Record<string, unknown>) => void;
}

/** What became of one artifact. */
export interface PulledArtifact {
  id: number;
  name: string;
  status: 'pulled' | 'expired' | 'invalid' | 'rejected' | 'already';
  reports: number;
  reason?: string;
}

/** What one message did. */
export interface PullOutcome {
  status: 'pulled' | 'skipped';
  reason?: string;
  artifacts: PulledArtifact[];
  /** Reports handed to the pipeline, with their outcome. */
  reports: ReportOutcome[];
  repositoryId?: string;
  headSha: string;
}

const workflowFile = (path: string | null) => (path ? path.replace(/@.*$/, '').replace(/^\.?\/+/, '') : null);

/** Provenance of the run: workflow blob, fork, changed workflow file, author association. */
async function provenanceOf(
  github: GitHubClient,
  ref: RepoRef,
  message: ArtifactsMessage,
  repositoryFullName: string,
  pullNumber: number | null,
): Promise<{
  workflowPath: string | null;
  workflowSha: string | null;
  fromFork: boolean;
  workflowChanged: boolean | null;
  authorAssociation: string | null;
}> {
  const workflowPath = workflowFile(message.workflowPath);
  const fromFork =
    message.headRepository !== null &&
    message.headRepository.toLowerCase() !== repositoryFullName.toLowerCase();
  // GitHub serves a fork's pull-request head commits through the base repository.
  const workflowSha = workflowPath
    ? await github.getFileSha(ref, workflowPath, message.headSha).catch(() => null)
    : null;
  let workflowChanged: boolean | null = null;
  let authorAssociation: string | null = null;
  if (pullNumber !== null) {
    if (workflowPath) {
      workflowChanged = await github.listPullFiles(ref, pullNumber).then(
        (files) => files.some((f) => f.filename === workflowPath || f.previousFilename === workflowPath),
        () => null,
      );
    }
    if (fromFork) {
      authorAssociation = await github.getPull(ref, pullNumber).then(
        (pull) => pull.authorAssociation ?? null,
        () => null,
      );
    }
  }
  return { workflowPath, workflowSha, fromFork, workflowChanged, authorAssociation };
}

/** The upload kind of an extracted file, or `undefined` for files that are not reports. */
function kindOf(entry: ArtifactEntry): UploadKind | undefined {
  return entry.kind === 'other' ? undefined : entry.kind;
}

/**
 * Pulls the `assay-*` artifacts of one completed workflow run (see the module
 * comment). A repository that names its test workflows pulls only theirs.
 * Transient GitHub failures throw (the queue retries the message); an
 * expired, oversized or broken artifact is recorded and skipped.
 */
export async function pullRunArtifacts(
  deps: PullArtifactsDeps,
  message: ArtifactsMessage,
): Promise<PullOutcome> {
  const empty = { artifacts: [], reports: [], headSha: message.headSha };
  const found = await findInstalledRepository(deps.db, { githubId: message.repositoryGithubId });
  if ('reason' in found) return { status: 'skipped', reason: found.reason, ...empty };
  const { repository } = found;
  const ref: RepoRef = {
    installationId: Number(repository.installation_id),
    owner: repository.owner,
    repo: repository.name,
  };
  const settings = await withTenant(deps.db, repository.org_id, (trx) =>
    trx
      .selectFrom('repositories')
      .select(['test_workflows'])
      .where('id', '=', repository.id)
      .executeTakeFirstOrThrow(),
  );
  const run = {
    name: message.workflowName,
    path: message.workflowPath,
    status: 'completed',
    conclusion: null,
  };
  if (settings.test_workflows.length > 0 && !isTestWorkflow(run, settings.test_workflows))
    return {
      status: 'skipped',
      reason: 'not a test workflow of the repository',
      ...empty,
      repositoryId: repository.id,
    };

  const listed = await deps.github.listRunArtifacts(ref, message.workflowRunId);
  const wanted = listed.filter((a) => a.name.toLowerCase().startsWith(ARTIFACT_PREFIX));
  if (wanted.length === 0)
    return { status: 'skipped', reason: 'no assay-* artifact', ...empty, repositoryId: repository.id };

  const pullNumber =
    message.pullNumbers[0] ??
    (await withTenant(deps.db, repository.org_id, (trx) =>
      openPullWithHead(trx, repository.id, message.headSha),
    ));
  const provenance = await provenanceOf(deps.github, ref, message, repository.full_name, pullNumber);
  const runId = `gh-${message.workflowRunId}-${message.runAttempt}`;
  const ciRun = await withTenant(deps.db, repository.org_id, async (trx) => {
    const row = await upsertCiRun(trx, {
      orgId: repository.org_id,
      repositoryId: repository.id,
      runId,
      headSha: message.headSha,
      pullNumber,
      authKind: 'github_app',
      uploadTokenId: null,
      ref: null,
    });
    if (!row) throw new Error(`CI run ${runId} of ${repository.full_name} was recorded for another commit`);
    await trx
      .updateTable('ci_runs')
      .set({
        source: 'pulled',
        workflow_run_id: String(message.workflowRunId),
        workflow_path: provenance.workflowPath,
        workflow_sha: provenance.workflowSha,
        head_repository: message.headRepository,
        from_fork: provenance.fromFork,
        workflow_changed: provenance.workflowChanged,
        author_association: provenance.authorAssociation,
      })
      .where('id', '=', row.id)
      .execute();
    return row;
  });

  const artifacts: PulledArtifact[] = [];
  const reports: ReportOutcome[] = [];
  const limits = artifactLimits(deps.maxReportBytes);
  const maxArchive = deps.maxReportBytes * 4;
  for (const artifact of wanted) {
    const claimed = await withTenant(deps.db, repository.org_id, async (trx) => {
      await trx
        .insertInto('ci_artifacts')
        .values({
          org_id: repository.org_id,
          repository_id: repository.id,
          ci_run_id: ciRun.id,
          github_id: String(artifact.id),
          name: artifact.name,
          size_bytes: String(artifact.sizeInBytes),
          status: 'pending',
        })
        .onConflict((oc) => oc.constraint('ci_artifacts_repository_artifact_key').doNothing())
        .execute();
      return trx
        .selectFrom('ci_artifacts')
        .select(['id', 'status'])
        .where('repository_id', '=', repository.id)
        .where('github_id', '=', String(artifact.id))
        .executeTakeFirstOrThrow();
    });
    if (claimed.status !== 'pending') {
      artifacts.push({ id: artifact.id, name: artifact.name, status: 'already', reports: 0 });
      continue;
    }
    const close = async (
      status: 'pulled' | 'expired' | 'invalid' | 'rejected',
      files: number,
      reason?: string,
    ) => {
      await withTenant(deps.db, repository.org_id, (trx) =>
        trx
          .updateTable('ci_artifacts')
          .set({
            status,
            files,
            error: reason === undefined ? null : toStorableText(reason),
            processed_at: sql<Date>`now()`,
          })
          .where('id', '=', claimed.id)
          .where('status', '=', 'pending')
          .execute(),
      );
      artifacts.push({
        id: artifact.id,
        name: artifact.name,
        status,
        reports: files,
        ...(reason === undefined ? {} : { reason }),
      });
    };
    if (artifact.expired) {
      await close('expired', 0, 'GitHub removed the artifact (its retention ended)');
      continue;
    }
    if (artifact.sizeInBytes > maxArchive) {
      await close('rejected', 0, `The artifact is ${artifact.sizeInBytes} bytes; the limit is ${maxArchive}`);
      continue;
    }
    let archive: Uint8Array;
    try {
      archive = await deps.github.downloadArtifact(ref, artifact.id, maxArchive);
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 410) {
        await close('expired', 0, 'GitHub removed the artifact (its retention ended)');
        continue;
      }
      if (error instanceof GitHubApiError && !error.retryable && error.status === undefined) {
        await close('rejected', 0, error.message);
        continue;
      }
      throw error;
    }
    let entries: ArtifactEntry[];
    try {
      entries = extractArtifact(archive, limits);
    } catch (error) {
      if (!(error instanceof ArtifactRejected)) throw error;
      await close(error.status, 0, error.message);
      continue;
    }
    let files = 0;
    for (const [index, entry] of entries.entries()) {
      const kind = kindOf(entry);
      if (kind === undefined) continue;
      files += 1;
      const format = UPLOAD_FORMATS[kind];
      // Derived from the artifact and the entry's position: a retry finds the same upload.
      const key = `orgs/${repository.owner}/repos/${repository.name}/runs/${runId}/${kind}/artifact-${artifact.id}-${index + 1}.${format.ext}`;
      await withTenant(deps.db, repository.org_id, (trx) =>
        trx
          .insertInto('ci_uploads')
          .values({
            org_id: repository.org_id,
            ci_run_id: ciRun.id,
            kind,
            object_key: key,
            content_type: format.contentType,
            expires_at: sql<Date>`now()`,
            file_name: toStorableText(`${artifact.name}/${entry.name}`).slice(0, 500),
          })
          .onConflict((oc) => oc.column('object_key').doNothing())
          .execute(),
      );
      await deps.putObject(key, entry.bytes, format.contentType);
      const bytes = entry.bytes;
      reports.push(
        await handleUploadedObject(
          {
            db: deps.db,
            openObject: async () => ({ body: Readable.from([Buffer.from(bytes)]), etag: null }),
            deleteObject: deps.deleteObject,
            maxBytes: deps.maxReportBytes,
            log: deps.log,
          },
          // Keys are path-safe characters only, as S3 would send them in an event.
          { eventName: 'ObjectCreated:Put', s3: { object: { key, size: bytes.byteLength } } },
        ),
      );
    }
    await close('pulled', files, files === 0 ? 'No JUnit, CTRF or SARIF file in the artifact' : undefined);
  }
  return { status: 'pulled', artifacts, reports, repositoryId: repository.id, headSha: message.headSha };
}
