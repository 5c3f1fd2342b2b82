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
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import {
  type ArtifactWithContent,
  addArtifactVersion,
  findArtifactVersion,
  insertEvent,
  listArtifactRows,
} from './agent-runs.repository.ts';
import { requireRun } from './agent-runs.service.ts';
import { type ArtifactView, artifactContentSchemas, isFinalStatus } from './agent-runs.types.ts';
import {
  type ArtifactKind,
  playwrightFileSchema,
  requirementsSchema,
  verifyOutcomeSchema,
} from './agents.types.ts';
import { locatorsInCode, tidsInCode } from './verify/code-facts.ts';
import { defuseTids, promotedTitle, rewriteTitles } from './verify/retitle.ts';
import { testsInCode } from './verify/test-facts.ts';

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
 * new version (validated for its kind: 400 with fields). Audited. What a
 * person signs off stays what it was: a finished or cancelled run is
 * read-only (409 `run_finished`; promotion is the one change it accepts),
 * and the verify report is never editable (409 `artifact_read_only`) — it is
 * what verify produced.
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
    const run = await requireRun(trx, runId, true);
    const current = await findArtifactVersion(trx, runId, artifactId);
    if (!current) throw new NotFoundError('Artifact not found', 'artifact_not_found');
    if (current.kind === 'verify-report')
      throw new ConflictError(
        'The verify report is what verify produced; it cannot be edited',
        'artifact_read_only',
      );
    if (isFinalStatus(run.status))
      throw new ConflictError(
        `The run has finished (${run.status}): its artifacts are read-only (a draft test can be promoted)`,
        'run_finished',
      );
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

/**
 * `POST …/artifacts/{artifactId}/promote` (member+): a person gives a draft
 * test its TID back — the one change a finished run accepts. `title` names
 * the test as the file has it now (`R1.2::…`); `tid` defaults to the TID
 * verify recorded for it and must be a criterion of the run's requirements.
 * Stores a new version of the file with the test titled `T12::…` and the
 * promotion (`promotedBy`, when) in its `promotions`; audited
 * (`agent_run.test_promoted`) and recorded as `artifact_edited`. A test
 * that already carries a TID is a 409 `already_proving`; an unknown title a
 * 404 `test_not_found`.
 *
 * Verify's results say whether the test could fail; promoting one that
 * could not is the person's judgement, and the audit log says whose.
 */
export async function promoteArtifactTest(
  db: Kysely<Database>,
  orgId: string,
  actor: Actor,
  runId: string,
  artifactId: string,
  body: { title: string; tid?: string | undefined },
): Promise<ArtifactView> {
  return withTenant(db, orgId, async (trx) => {
    const run = await requireRun(trx, runId, true);
    const row = await findArtifactVersion(trx, runId, artifactId);
    if (!row) throw new NotFoundError('Artifact not found', 'artifact_not_found');
    if (row.kind !== 'playwright-test')
      throw new ValidationError('Only a test file can be promoted', [
        { path: 'params.artifactId', message: 'a playwright-test artifact' },
      ]);
    const file = playwrightFileSchema.parse(row.content);
    const fact = testsInCode(file.content).find((t) => t.title === body.title);
    if (!fact) throw new NotFoundError(`No test titled "${body.title}" in ${file.path}`, 'test_not_found');
    if (/^\s*T\d+(?:\s*,\s*T\d+)*\s*::/.test(fact.title))
      throw new ConflictError('The test already carries its TID', 'already_proving');
    const verify = verifyOutcomeSchema.safeParse(run.verify);
    // The result verify recorded for this test: the same title once the draft tag and the TID are set aside.
    const rest = (title: string) => promotedTitle(title, 'T0').slice('T0::'.length);
    const recorded = verify.success
      ? verify.data.results.find((r) => defuseTids(rest(r.title)) === rest(fact.title))
      : undefined;
    const tid = body.tid ?? recorded?.tid ?? undefined;
    if (!tid)
      throw new ValidationError('Which criterion does the test prove?', [
        { path: 'body.tid', message: 'a TID of the run’s requirements (verify recorded none for this test)' },
      ]);
    const [requirements] = await listArtifactRows(trx, runId, ['requirements']);
    const known = new Set(
      (requirementsSchema.safeParse(requirements?.content).data ?? []).flatMap((r) =>
        r.acceptanceCriteria.flatMap((c) => (c.tid ? [c.tid] : [])),
      ),
    );
    if (!known.has(tid))
      throw new ValidationError(`${tid} is not a criterion of this run`, [
        { path: 'body.tid', message: 'a TID of the run’s requirements' },
      ]);
    const title = promotedTitle(fact.title, tid);
    const content = rewriteTitles(file.content, (t, line) =>
      line === fact.line && t === fact.title ? title : t,
    );
    const promotedBy = actor.login ?? (actor.type === 'user' ? (actor.id ?? 'a member') : actor.type);
    const next = {
      ...file,
      content,
      tids: tidsInCode(content),
      locators: locatorsInCode(content),
      promotions: [
        ...(file.promotions ?? []),
        { title, tid, promotedBy, promotedAt: new Date().toISOString() },
      ],
    };
    const version = await addArtifactVersion(trx, {
      orgId,
      artifactId,
      content: playwrightFileSchema.parse(next),
      userId: actor.type === 'user' ? actor.id : null,
      login: actor.login,
    });
    await insertEvent(trx, {
      orgId,
      runId,
      type: 'artifact_edited',
      stage: row.stage,
      data: {
        artifactId,
        kind: row.kind,
        name: row.name,
        version,
        by: actor.login,
        promoted: { title, tid },
      },
    });
    await recordAudit(trx, orgId, actor, {
      action: 'agent_run.test_promoted',
      targetType: 'agent_run_artifact',
      targetId: artifactId,
      details: { runId, version, tid, title, from: fact.title, verifyOutcome: recorded?.outcome ?? null },
    });
    const updated = await findArtifactVersion(trx, runId, artifactId);
    if (!updated) throw new NotFoundError('Artifact not found', 'artifact_not_found');
    return toArtifactView(updated);
  });
}
