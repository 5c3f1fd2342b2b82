/**
 * SQL of agent runs: runs, approvals, events, artifacts and token usage. Every
 * function takes a tenant transaction (`withTenant`), so row-level security
 * keeps each organisation to its own rows.
 *
 * @module
 */
import { type Selectable, sql, type Transaction } from 'kysely';
import type {
  AgentRunApprovalsTable,
  AgentRunArtifactsTable,
  AgentRunArtifactVersionsTable,
  AgentRunEventsTable,
  AgentRunStatus,
  AgentRunsTable,
  Database,
} from '../db/database.ts';
import { olderThan } from '../identity/pagination.ts';
import type { AgentRunEventType } from './agent-runs.types.ts';
import type { ArtifactKind } from './agents.types.ts';

type Trx = Transaction<Database>;
export type RunRow = Selectable<AgentRunsTable>;
export type ApprovalRow = Selectable<AgentRunApprovalsTable>;
export type EventRow = Selectable<AgentRunEventsTable>;
export type ArtifactRow = Selectable<AgentRunArtifactsTable>;
export type ArtifactVersionRow = Selectable<AgentRunArtifactVersionsTable>;

export function findRun(trx: Trx, runId: string): Promise<RunRow | undefined> {
  return trx.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

/** Locks the run row for the rest of the transaction. */
export function lockRun(trx: Trx, runId: string): Promise<RunRow | undefined> {
  return trx.selectFrom('agent_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
}

export function listRunRows(trx: Trx, orgId: string, before: string | undefined, limit: number) {
  let q = trx
    .selectFrom('agent_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before) q = q.where(olderThan('agent_runs', before));
  return q.execute();
}

/**
 * Moves a run to `status` only while it is in one of `from` (compare-and-set),
 * so a finished run never changes again. Returns the row afterwards, or
 * undefined when it was not in `from`.
 */
export async function transitionRun(
  trx: Trx,
  runId: string,
  from: readonly AgentRunStatus[],
  set: {
    status: AgentRunStatus;
    stage?: string | null;
    errorCode?: string | null;
    error?: string | null;
    finished?: boolean;
  },
): Promise<RunRow | undefined> {
  return trx
    .updateTable('agent_runs')
    .set({
      status: set.status,
      ...(set.stage !== undefined ? { stage: set.stage } : {}),
      ...(set.errorCode !== undefined ? { error_code: set.errorCode } : {}),
      ...(set.error !== undefined ? { error: set.error } : {}),
      ...(set.finished ? { finished_at: sql<Date>`now()` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', runId)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

/** Appends an event; one with a `dedupeKey` already recorded for the run is not repeated. */
export async function insertEvent(
  trx: Trx,
  event: {
    orgId: string;
    runId: string;
    type: AgentRunEventType;
    stage?: string | null;
    data?: Record<string, unknown>;
    dedupeKey?: string;
  },
): Promise<void> {
  // One writer per run at a time, so each event takes the next number of its run.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`agent_run_events:${event.runId}`}, 0))`.execute(
    trx,
  );
  await trx
    .insertInto('agent_run_events')
    .values({
      org_id: event.orgId,
      run_id: event.runId,
      seq: sql<string>`(select coalesce(max(seq), 0) + 1 from agent_run_events where run_id = ${event.runId})`,
      type: event.type,
      stage: event.stage ?? null,
      data: JSON.stringify(event.data ?? {}),
      dedupe_key: event.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.columns(['run_id', 'dedupe_key']).doNothing())
    .execute();
}

export function listEventRows(trx: Trx, runId: string, after: string | undefined, limit: number) {
  let q = trx
    .selectFrom('agent_run_events')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('seq', 'asc')
    .limit(limit);
  if (after !== undefined) q = q.where(sql<boolean>`seq > ${after}::bigint`);
  return q.execute();
}

export function findApproval(trx: Trx, runId: string, approvalId: string) {
  return trx
    .selectFrom('agent_run_approvals')
    .selectAll()
    .where('run_id', '=', runId)
    .where('id', '=', approvalId)
    .executeTakeFirst();
}

export function findApprovalByStage(trx: Trx, runId: string, stage: 'analyst' | 'qa') {
  return trx
    .selectFrom('agent_run_approvals')
    .selectAll()
    .where('run_id', '=', runId)
    .where('stage', '=', stage)
    .executeTakeFirst();
}

export function listApprovalRows(trx: Trx, runId: string) {
  return trx
    .selectFrom('agent_run_approvals')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('created_at', 'asc')
    .execute();
}

/**
 * Records that a stage waits for approval with `taskToken`: a new pending
 * row, or the same row with the newer token (a replayed step's token replaces
 * the stale one). A decided approval keeps its decision. Returns the row.
 */
export async function upsertPendingApproval(
  trx: Trx,
  values: { orgId: string; runId: string; stage: 'analyst' | 'qa'; taskToken: string },
): Promise<ApprovalRow> {
  return trx
    .insertInto('agent_run_approvals')
    .values({
      org_id: values.orgId,
      run_id: values.runId,
      stage: values.stage,
      status: 'pending',
      task_token: values.taskToken,
    })
    .onConflict((oc) =>
      oc.columns(['run_id', 'stage']).doUpdateSet({
        task_token: sql<string>`case when agent_run_approvals.status = 'pending' then excluded.task_token else agent_run_approvals.task_token end`,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Decides a pending approval (compare-and-set on `pending`); undefined when it was already decided. */
export function decideApprovalRow(
  trx: Trx,
  approvalId: string,
  set: {
    status: 'approved' | 'edited' | 'rejected';
    decision: 'approve' | 'edit' | 'reject';
    decidedBy: string | null;
    decidedByLogin: string | null;
    decidedVia: 'api' | 'github';
    comment: string | null;
  },
): Promise<ApprovalRow | undefined> {
  return trx
    .updateTable('agent_run_approvals')
    .set({
      status: set.status,
      decision: set.decision,
      decided_by: set.decidedBy,
      decided_by_login: set.decidedByLogin,
      decided_via: set.decidedVia,
      comment: set.comment,
      decided_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', approvalId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Closes the run's pending approvals as `status` (the run ended another way). */
export function closePendingApprovals(trx: Trx, runId: string, status: 'expired' | 'cancelled') {
  return trx
    .updateTable('agent_run_approvals')
    .set({ status, updated_at: sql<Date>`now()` })
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .execute();
}

export function markApprovalDelivered(trx: Trx, approvalId: string) {
  return trx
    .updateTable('agent_run_approvals')
    .set({ delivered_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', approvalId)
    .execute();
}

// ---------------------------------------------------------------------------
// Artifacts

/** An artifact joined with one of its versions (`a`, `v`), as the API shows it. */
const ARTIFACT_COLUMNS = [
  'a.id',
  'a.kind',
  'a.name',
  'a.stage',
  'a.current_version',
  'v.version',
  'v.content',
  'v.source',
  'v.created_at',
] as const;

/** Artifacts of a run with their current version's content, optionally of some kinds. */
export function listArtifactRows(trx: Trx, runId: string, kinds?: readonly ArtifactKind[]) {
  let q = trx
    .selectFrom('agent_run_artifacts as a')
    .innerJoin('agent_run_artifact_versions as v', (join) =>
      join.onRef('v.artifact_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
    )
    .select(ARTIFACT_COLUMNS)
    .where('a.run_id', '=', runId)
    .orderBy('a.created_at', 'asc')
    .orderBy('a.name', 'asc');
  if (kinds) q = q.where('a.kind', 'in', [...kinds]);
  return q.execute();
}

export type ArtifactWithContent = Awaited<ReturnType<typeof listArtifactRows>>[number];

/** One artifact at `version` (default: its current one). */
export function findArtifactVersion(trx: Trx, runId: string, artifactId: string, version?: number) {
  return trx
    .selectFrom('agent_run_artifacts as a')
    .innerJoin('agent_run_artifact_versions as v', 'v.artifact_id', 'a.id')
    .select(ARTIFACT_COLUMNS)
    .where('a.run_id', '=', runId)
    .where('a.id', '=', artifactId)
    .where('v.version', '=', version === undefined ? sql<number>`a.current_version` : version)
    .executeTakeFirst();
}

/**
 * Writes an agent's artifact once: the first write creates it at version 1;
 * a replayed step finds it and changes nothing. Returns the artifact's id and
 * whether this call created it.
 */
export async function putAgentArtifact(
  trx: Trx,
  values: { orgId: string; runId: string; kind: ArtifactKind; name: string; stage: string; content: unknown },
): Promise<{ id: string; created: boolean }> {
  const inserted = await trx
    .insertInto('agent_run_artifacts')
    .values({
      org_id: values.orgId,
      run_id: values.runId,
      kind: values.kind,
      name: values.name,
      stage: values.stage,
    })
    .onConflict((oc) => oc.columns(['run_id', 'kind', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('agent_run_artifacts')
      .select('id')
      .where('run_id', '=', values.runId)
      .where('kind', '=', values.kind)
      .where('name', '=', values.name)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }
  await trx
    .insertInto('agent_run_artifact_versions')
    .values({
      org_id: values.orgId,
      artifact_id: inserted.id,
      version: 1,
      content: JSON.stringify(values.content),
      source: 'agent',
    })
    .execute();
  return { id: inserted.id, created: true };
}

/** Adds a human version of an artifact and makes it current; returns the new version number. */
export async function addArtifactVersion(
  trx: Trx,
  values: {
    orgId: string;
    artifactId: string;
    content: unknown;
    userId: string | null;
    login: string | null;
    /** `human` (default) for a person's edit, `agent` for verify's retitling. */
    source?: 'agent' | 'human';
  },
): Promise<number> {
  const row = await trx
    .updateTable('agent_run_artifacts')
    .set({ current_version: sql<number>`current_version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', values.artifactId)
    .returning('current_version')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('agent_run_artifact_versions')
    .values({
      org_id: values.orgId,
      artifact_id: values.artifactId,
      version: row.current_version,
      content: JSON.stringify(values.content),
      source: values.source ?? 'human',
      created_by: values.userId,
      created_by_login: values.login,
    })
    .execute();
  return row.current_version;
}

// ---------------------------------------------------------------------------
// Tokens

/** Adds one LLM call's tokens to the run (and its stage) and to the organisation's month. */
export async function addTokens(
  trx: Trx,
  values: {
    orgId: string;
    runId: string;
    stage: string;
    month: string;
    prompt: number;
    completion: number;
    total: number;
    model: string;
    promptId: string;
    promptVersion: string;
  },
): Promise<void> {
  await trx
    .updateTable('agent_runs')
    .set({
      prompt_tokens: sql`prompt_tokens + ${values.prompt}`,
      completion_tokens: sql`completion_tokens + ${values.completion}`,
      total_tokens: sql`total_tokens + ${values.total}`,
      stage_tokens: sql`jsonb_set(stage_tokens, ${sql.val([values.stage])}::text[],
        to_jsonb(coalesce((stage_tokens ->> ${values.stage})::bigint, 0) + ${values.total}))`,
      model: values.model,
      prompt_versions: sql`prompt_versions || jsonb_build_object(${values.promptId}::text, ${values.promptVersion}::text)`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', values.runId)
    .execute();
  await trx
    .insertInto('org_token_usage')
    .values({
      org_id: values.orgId,
      month: values.month,
      prompt_tokens: String(values.prompt),
      completion_tokens: String(values.completion),
      total_tokens: String(values.total),
      llm_calls: 1,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'month']).doUpdateSet({
        prompt_tokens: sql`org_token_usage.prompt_tokens + excluded.prompt_tokens`,
        completion_tokens: sql`org_token_usage.completion_tokens + excluded.completion_tokens`,
        total_tokens: sql`org_token_usage.total_tokens + excluded.total_tokens`,
        llm_calls: sql`org_token_usage.llm_calls + 1`,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export function findMonthUsage(trx: Trx, orgId: string, month: string) {
  return trx
    .selectFrom('org_token_usage')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('month', '=', month)
    .executeTakeFirst();
}
