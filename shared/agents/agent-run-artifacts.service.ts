/**
 * Artifacts of agent runs (issue 18): requirements, test cases, Playwright
 * files and the verify report, each with a stable id and numbered versions
 * (the agent's is 1; every human edit adds one). Edits are validated with the
 * contract's schemas (`agents.types.ts`): a malformed edit is a 400 naming
 * each failing field.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import {
  type ArtifactWithContent,
  addArtifactVersion,
  findArtifactVersion,
  insertEvent,
  listArtifactRows,
} from './agent-runs.repository.ts';
import { requireRun } from './agent-runs.service.ts';
import { type ArtifactView, artifactContentSchemas } from './agent-runs.types.ts';
import type { ArtifactKind } from './agents.types.ts';

/** The API view of an artifact at one version. */
export function toArtifactView(row: ArtifactWithContent): ArtifactView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    version: row.version,
    latestVersion: row.current_version,
    stage: row.stage,
    source: row.source,
    content: row.content,
    createdAt: row.created_at.toISOString(),
  };
}

/** A run's artifacts at their latest versions, optionally only some kinds. @throws NotFoundError */
export async function listArtifacts(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  kinds?: readonly ArtifactKind[],
): Promise<{ artifacts: ArtifactView[] }> {
  return withTenant(db, orgId, async (trx) => {
    await requireRun(trx, runId);
    return { artifacts: (await listArtifactRows(trx, runId, kinds)).map(toArtifactView) };
  });
}

/** One artifact at `version` (default the latest). @throws NotFoundError for an unknown artifact or version */
export async function getArtifact(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  artifactId: string,
  version?: number,
): Promise<ArtifactView> {
  return withTenant(db, orgId, async (trx) => {
    await requireRun(trx, runId);
    const row = await findArtifactVersion(trx, runId, artifactId, version);
    if (!row)
      throw new NotFoundError(
        version === undefined ? 'Artifact not found' : `Artifact version ${version} not found`,
        'artifact_not_found',
      );
    return toArtifactView(row);
  });
}

/** Validates `content` for an artifact of `kind`; a failure is a 400 whose fields start with `path`. */
export function parseArtifactContent(kind: ArtifactKind, content: unknown, path: string): unknown {
  const schema: z.ZodType = artifactContentSchemas[kind];
  const result = schema.safeParse(content);
  if (result.success) return result.data;
  throw new ValidationError(
    `The ${kind} artifact is not valid`,
    result.error.issues.slice(0, 50).map((issue) => ({
      path: [path, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

/**
 * Adds human versions of some of a run's artifacts inside the caller's
 * transaction: every id must be an artifact of the run (404) whose kind is in
 * `kinds` when given (400), every content valid for its kind (400 with
 * fields). Records an `artifact_edited` event per artifact. Returns the new
 * version of each.
 */
export async function editArtifacts(
  trx: Transaction<Database>,
  orgId: string,
  runId: string,
  actor: Actor,
  edits: readonly { id: string; content: unknown }[],
  options: { kinds?: readonly ArtifactKind[]; pathOf: (index: number) => string },
): Promise<{ id: string; version: number }[]> {
  const existing = new Map((await listArtifactRows(trx, runId)).map((row) => [row.id, row]));
  const parsed = edits.map((edit, index) => {
    const row = existing.get(edit.id);
    if (!row) throw new NotFoundError(`Artifact ${edit.id} is not one of this run's`, 'artifact_not_found');
    if (options.kinds && !options.kinds.includes(row.kind))
      throw new ValidationError('This approval does not cover that artifact', [
        {
          path: `${options.pathOf(index)}.id`,
          message: `a ${options.kinds.join(' or ')} artifact of the stage`,
        },
      ]);
    return { row, content: parseArtifactContent(row.kind, edit.content, `${options.pathOf(index)}.content`) };
  });
  const results: { id: string; version: number }[] = [];
  for (const { row, content } of parsed) {
    const version = await addArtifactVersion(trx, {
      orgId,
      artifactId: row.id,
      content,
      userId: actor.type === 'user' ? actor.id : null,
      login: actor.login,
    });
    await insertEvent(trx, {
      orgId,
      runId,
      type: 'artifact_edited',
      stage: row.stage,
      data: { artifactId: row.id, kind: row.kind, name: row.name, version, by: actor.login },
    });
    results.push({ id: row.id, version });
  }
  return results;
}

/**
 * `PUT …/artifacts/{artifactId}`: a human edit of one artifact, stored as a
 * new version (validated for its kind: 400 with fields). Audited.
 */
export async function putArtifact(
  db: Kysely<Database>,
  orgId: string,
  actor: Actor,
  runId: string,
  artifactId: string,
  content: unknown,
): Promise<ArtifactView> {
  return withTenant(db, orgId, async (trx) => {
    await requireRun(trx, runId, true);
    const [edited] = await editArtifacts(trx, orgId, runId, actor, [{ id: artifactId, content }], {
      pathOf: () => 'body',
    });
    if (!edited) throw new NotFoundError('Artifact not found', 'artifact_not_found');
    await recordAudit(trx, orgId, actor, {
      action: 'agent_run.artifact_edited',
      targetType: 'agent_run_artifact',
      targetId: artifactId,
      details: { runId, version: edited.version },
    });
    const row = await findArtifactVersion(trx, runId, artifactId);
    if (!row) throw new NotFoundError('Artifact not found', 'artifact_not_found');
    return toArtifactView(row);
  });
}
