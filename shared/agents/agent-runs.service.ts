/**
 * Agent runs (issue 18): request one, list and read them, cancel one, read
 * its events, and the organisation's token usage. The execution itself is a
 * state machine (`infra/workflows/agent-run.ts`) started through the
 * {@link WorkflowStarter} port; its steps are in `agent-run-steps.service.ts`,
 * approvals in `agent-run-approvals.service.ts`, artifacts in
 * `agent-run-artifacts.service.ts`.
 *
 * @module
 */

import type { Kysely, Transaction } from 'kysely';
import type { WorkflowStarter } from '../adapters/workflow-starter.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import { type Config, getConfig } from '../config.ts';
import { agentRunPageUrl } from '../console/links.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { page, parseIdCursor } from '../identity/pagination.ts';
import { findRepositoryByName } from '../repositories/find-repository.ts';
import {
  closePendingApprovals,
  findMonthUsage,
  findRun,
  insertEvent,
  listEventRows,
  listRunRows,
  lockRun,
  type RunRow,
  transitionRun,
} from './agent-runs.repository.ts';
import {
  ACTIVE_RUN_STATUSES,
  type AgentRunEventView,
  type AgentRunRequest,
  type AgentRunStatus,
  type AgentRunView,
  agentRunEventSchema,
  type ExecutionInput,
  isFinalStatus,
  type UsageView,
} from './agent-runs.types.ts';
import { verifyOutcomeSchema } from './agents.types.ts';

/** The state machine's name in `infra/topology.ts`. */
export const AGENT_RUN_STATE_MACHINE = 'agent-run';

/** What the run services need. */
export interface AgentRunDeps {
  db: Kysely<Database>;
  workflow: WorkflowStarter;
  config: Config;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API view of a run row. */
export function toRunView(row: RunRow): AgentRunView {
  const verify = row.verify ? verifyOutcomeSchema.safeParse(row.verify) : undefined;
  return {
    id: row.id,
    status: row.status,
    stage: isFinalStatus(row.status) ? null : row.stage,
    repository: row.repository,
    issues: row.issues,
    documentIds: row.document_ids,
    crawlId: row.crawl_id,
    instructions: row.instructions,
    approvals: row.approvals,
    tokenBudget: row.token_budget,
    tokens: {
      prompt: Number(row.prompt_tokens),
      completion: Number(row.completion_tokens),
      total: Number(row.total_tokens),
      byStage: row.stage_tokens,
    },
    model: row.model,
    promptVersions: row.prompt_versions,
    verify: verify?.success ? verify.data : null,
    error: row.error_code ? { code: row.error_code, message: row.error ?? '' } : null,
    requestedBy: row.requested_by_login,
    createdAt: row.created_at.toISOString(),
    finishedAt: iso(row.finished_at),
  };
}

/** The calendar month (UTC) a moment falls in, `YYYY-MM`: the unit of the organisation's budget. */
export function usageMonth(at: Date = new Date()): string {
  return at.toISOString().slice(0, 7);
}

/** The run, or 404 (another organisation's run is not found either: row-level security). */
export async function requireRun(trx: Transaction<Database>, runId: string, lock = false): Promise<RunRow> {
  const row = lock ? await lockRun(trx, runId) : await findRun(trx, runId);
  if (!row) throw new NotFoundError('Agent run not found', 'agent_run_not_found');
  return row;
}

/** Checks the run's inputs exist in this organisation; each missing one is a 404 naming it. */
async function checkInputs(trx: Transaction<Database>, request: AgentRunRequest) {
  let repository: { id: string; full_name: string } | undefined;
  if (request.repository) {
    const [owner = '', repo = ''] = request.repository.split('/');
    repository = await findRepositoryByName(trx, { owner, repo });
  }
  const issues = [...new Set(request.issues ?? [])];
  if (issues.length > 0 && repository) {
    const found = await trx
      .selectFrom('issues')
      .select('number')
      .where('repository_id', '=', repository.id)
      .where('number', 'in', issues)
      .where('deleted_at', 'is', null)
      .execute();
    const known = new Set(found.map((r) => r.number));
    const missing = issues.filter((n) => !known.has(n));
    if (missing.length > 0)
      throw new NotFoundError(
        `Issue${missing.length > 1 ? 's' : ''} ${missing.map((n) => `#${n}`).join(', ')} not found in ${repository.full_name}`,
        'issue_not_found',
      );
  }
  const documentIds = [...new Set(request.documentIds ?? [])];
  if (documentIds.length > 0) {
    const found = await trx
      .selectFrom('documents')
      .select(['id', 'status', 'filename'])
      .where('id', 'in', documentIds)
      .execute();
    const known = new Set(found.map((r) => r.id));
    const missing = documentIds.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new NotFoundError(
        `Document${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`,
        'document_not_found',
      );
    // Only a parsed, embedded document can be cited: one still processing (or failed) has no chunks yet.
    const notReady = found.filter((r) => r.status !== 'ready');
    if (notReady.length > 0)
      throw new ConflictError(
        `${notReady.map((r) => `Document ${r.filename} (${r.id}) is ${r.status}`).join('; ')}, not ready: start the run once ${notReady.length > 1 ? 'they are' : 'it is'} ready`,
        'document_not_ready',
      );
  }
  if (request.crawlId) {
    const crawl = await trx
      .selectFrom('crawls')
      .select(['id', 'status'])
      .where('id', '=', request.crawlId)
      .executeTakeFirst();
    if (!crawl) throw new NotFoundError(`Crawl ${request.crawlId} not found`, 'crawl_not_found');
    if (crawl.status === 'queued' || crawl.status === 'running')
      throw new ConflictError(
        'The crawl has not finished yet; start the run when it has',
        'crawl_not_finished',
      );
  }
  return { repository, issues, documentIds };
}

/**
 * Requests an agent run (`POST /api/v1/orgs/{org}/agent-runs`): checks that
 * the repository, issues, documents and crawl exist in this organisation (404
 * each, a crawl still running 409), records the run `running` with a
 * `run_started` event and an audit entry, and starts its execution (the run
 * id is the execution's name, so a retried start cannot run it twice). A
 * `tokenBudget` below 1 never gets here (400 from the contract); a spent
 * monthly budget is found by the first LLM call and ends the run
 * `budget_exceeded`.
 *
 * @throws NotFoundError, ConflictError; the start's own error after recording the run `failed`.
 */
export async function requestAgentRun(
  deps: AgentRunDeps,
  orgId: string,
  actor: Actor,
  request: AgentRunRequest,
): Promise<{ run: { id: string; status: 'running' } }> {
  const id = crypto.randomUUID();
  await withTenant(deps.db, orgId, async (trx) => {
    const inputs = await checkInputs(trx, request);
    await trx
      .insertInto('agent_runs')
      .values({
        id,
        org_id: orgId,
        status: 'running',
        stage: 'analyst',
        repository_id: inputs.repository?.id ?? null,
        repository: inputs.repository?.full_name ?? null,
        issues: JSON.stringify(inputs.issues),
        document_ids: JSON.stringify(inputs.documentIds),
        crawl_id: request.crawlId ?? null,
        instructions: request.instructions ?? null,
        approvals: request.approvals,
        token_budget: request.tokenBudget ?? null,
        stage_tokens: '{}',
        prompt_versions: '{}',
        requested_by: actor.type === 'user' ? actor.id : null,
        requested_by_login: actor.login,
      })
      .execute();
    await insertEvent(trx, {
      orgId,
      runId: id,
      type: 'run_started',
      data: {
        approvals: request.approvals,
        issues: inputs.issues.length,
        documents: inputs.documentIds.length,
      },
      dedupeKey: 'run_started',
    });
    await recordAudit(trx, orgId, actor, {
      action: 'agent_run.requested',
      targetType: 'agent_run',
      targetId: id,
      details: {
        repository: inputs.repository?.full_name ?? null,
        issues: inputs.issues,
        documentIds: inputs.documentIds,
        crawlId: request.crawlId ?? null,
        approvals: request.approvals,
        tokenBudget: request.tokenBudget ?? null,
      },
    });
  });
  const input: ExecutionInput = { orgId, runId: id, approvals: request.approvals };
  try {
    const executionId = await deps.workflow.start(AGENT_RUN_STATE_MACHINE, id, input);
    await withTenant(deps.db, orgId, (trx) =>
      trx.updateTable('agent_runs').set({ execution_id: executionId }).where('id', '=', id).execute(),
    );
  } catch (error) {
    await finishRun(deps.db, orgId, id, {
      status: 'failed',
      errorCode: 'start_failed',
      error: 'The run could not be started; request it again',
    }).catch(() => undefined);
    throw error;
  }
  return { run: { id, status: 'running' } };
}

/** An organisation's runs, newest first, with a cursor (the id of the last one shown). */
export async function listAgentRuns(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ runs: AgentRunView[]; nextCursor: string | null }> {
  const before = parseIdCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => listRunRows(trx, orgId, before, query.limit));
  const result = page(rows, query.limit, (row) => row.id);
  return { runs: result.rows.map(toRunView), nextCursor: result.nextCursor };
}

/** One run. @throws NotFoundError */
export async function getAgentRun(db: Kysely<Database>, orgId: string, runId: string): Promise<AgentRunView> {
  return toRunView(await withTenant(db, orgId, (trx) => requireRun(trx, runId)));
}

/**
 * Ends a run that is still going with a final status (compare-and-set: a run
 * already finished stays as it was and `undefined` is returned): closes its
 * pending approvals, records `run_finished` once and notifies the requester.
 */
export async function finishRun(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  outcome: {
    status: Exclude<AgentRunStatus, 'running' | 'awaiting_approval'>;
    errorCode?: string;
    error?: string;
  },
  trxIn?: Transaction<Database>,
): Promise<RunRow | undefined> {
  const work = async (trx: Transaction<Database>) => {
    const row = await transitionRun(trx, runId, ACTIVE_RUN_STATUSES, {
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
      error: outcome.error ?? null,
      finished: true,
    });
    if (!row) return undefined;
    await closePendingApprovals(trx, runId, outcome.status === 'cancelled' ? 'cancelled' : 'expired');
    await insertEvent(trx, {
      orgId,
      runId,
      type: 'run_finished',
      data: {
        status: outcome.status,
        ...(outcome.errorCode ? { error: { code: outcome.errorCode, message: outcome.error ?? '' } } : {}),
      },
      dedupeKey: 'run_finished',
    });
    await notifyRunFinished(trx, row);
    return row;
  };
  return trxIn ? work(trxIn) : withTenant(db, orgId, work);
}

/** Link of a run for notifications and comments: its console page, `{publicUrl}/orgs/{org}/agent-runs/{id}`. */
export function runLink(publicUrl: string | undefined, orgLogin: string, runId: string): string {
  return agentRunPageUrl(publicUrl, orgLogin, runId);
}

async function orgLogin(trx: Transaction<Database>, orgId: string): Promise<string> {
  const org = await trx.selectFrom('orgs').select('login').where('id', '=', orgId).executeTakeFirst();
  return org?.login ?? orgId;
}

const STATUS_WORDS: Record<AgentRunStatus, string> = {
  running: 'is running',
  awaiting_approval: 'awaits approval',
  succeeded: 'succeeded',
  failed: 'failed',
  rejected: 'was rejected',
  cancelled: 'was cancelled',
  timed_out: 'timed out waiting for approval',
  budget_exceeded: 'stopped: token budget spent',
};

/** "Agent run finished" to the user who requested it (once per run). */
async function notifyRunFinished(trx: Transaction<Database>, run: RunRow): Promise<void> {
  if (!run.requested_by) return;
  const login = await orgLogin(trx, run.org_id);
  await trx
    .insertInto('notifications')
    .values({
      org_id: run.org_id,
      user_id: run.requested_by,
      kind: 'agent_run_finished',
      title: `Agent run ${STATUS_WORDS[run.status]}`,
      body: `The agent run on ${run.repository ?? 'your documents'} ${STATUS_WORDS[run.status]}.${run.error ? ` ${run.error}` : ''}`,
      link: runLink(getConfig().ASSAY_PUBLIC_URL, login, run.id),
      subject: JSON.stringify({ runId: run.id, status: run.status }),
      dedupe_key: `agent-run:${run.id}:finished`,
    })
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .execute();
}

/** "Agent run awaiting approval" to every member of the organisation (once per approval). */
export async function notifyAwaitingApproval(
  trx: Transaction<Database>,
  run: RunRow,
  approval: { id: string; stage: string },
  publicUrl: string | undefined,
): Promise<void> {
  const login = await orgLogin(trx, run.org_id);
  const what = approval.stage === 'analyst' ? 'requirements' : 'test cases';
  const members = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', run.org_id)
    .execute();
  if (members.length === 0) return;
  await trx
    .insertInto('notifications')
    .values(
      members.map((m) => ({
        org_id: run.org_id,
        user_id: m.user_id,
        kind: 'agent_run_awaiting_approval',
        title: 'Agent run awaiting approval',
        body: `The ${what} of the agent run on ${run.repository ?? 'your documents'} wait for a decision.`,
        link: runLink(publicUrl, login, run.id),
        subject: JSON.stringify({ runId: run.id, approvalId: approval.id, stage: approval.stage }),
        dedupe_key: `agent-run-approval:${approval.id}`,
      })),
    )
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .execute();
}

/**
 * Cancels a run that is still going (`POST …/cancel`): the run is `cancelled`
 * at once, its pending approvals close, and its execution is stopped.
 * Cancelling a cancelled run answers the same; a finished one is a 409
 * `run_finished`. Audited once.
 */
export async function cancelAgentRun(
  deps: AgentRunDeps,
  orgId: string,
  actor: Actor,
  runId: string,
): Promise<AgentRunView> {
  const { row, stop } = await withTenant(deps.db, orgId, async (trx) => {
    const before = await requireRun(trx, runId, true);
    if (before.status === 'cancelled') return { row: before, stop: false };
    if (isFinalStatus(before.status))
      throw new ConflictError(`The run has already finished (${before.status})`, 'run_finished');
    const after = await finishRun(deps.db, orgId, runId, { status: 'cancelled' }, trx);
    await recordAudit(trx, orgId, actor, {
      action: 'agent_run.cancelled',
      targetType: 'agent_run',
      targetId: runId,
    });
    return { row: after ?? before, stop: true };
  });
  if (stop && row.execution_id)
    await deps.workflow.stop(row.execution_id, `Cancelled by ${actor.login ?? actor.type}`);
  return toRunView(row);
}

/** Largest page of events. */
export const EVENTS_PAGE = 500;

/**
 * Events of a run after the event id `after` (exclusive), in order. Event ids
 * number the events within their run (1, 2 …), so they say nothing about other
 * runs or organisations. `afterFrom` names where `after` came from in a 400
 * (`query.after`, or `header.last-event-id` for an SSE reconnect).
 * @throws NotFoundError, ValidationError
 */
export async function listAgentRunEvents(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  query: { after?: string; limit?: number; afterFrom?: string },
): Promise<{ events: AgentRunEventView[]; status: AgentRunStatus }> {
  if (query.after !== undefined && !/^\d{1,18}$/.test(query.after)) {
    const field = query.afterFrom ?? 'query.after';
    throw new ValidationError(`${field} is not an event id`, [
      { path: field, message: 'a decimal event id' },
    ]);
  }
  return withTenant(db, orgId, async (trx) => {
    const run = await requireRun(trx, runId);
    const rows = await listEventRows(
      trx,
      runId,
      query.after,
      Math.min(query.limit ?? EVENTS_PAGE, EVENTS_PAGE),
    );
    return {
      status: run.status,
      events: rows.map((row) =>
        agentRunEventSchema.parse({
          id: String(row.seq),
          type: row.type,
          stage: row.stage,
          data: row.data,
          createdAt: row.created_at.toISOString(),
        }),
      ),
    };
  });
}

/** The organisation's token usage this month and what is left of its monthly budget. */
export async function getUsage(
  db: Kysely<Database>,
  config: Pick<Config, 'ASSAY_ORG_MONTHLY_TOKEN_BUDGET'>,
  orgId: string,
  at: Date = new Date(),
): Promise<UsageView> {
  const month = usageMonth(at);
  const row = await withTenant(db, orgId, (trx) => findMonthUsage(trx, orgId, month));
  const total = Number(row?.total_tokens ?? 0);
  const budget = config.ASSAY_ORG_MONTHLY_TOKEN_BUDGET ?? null;
  return {
    month,
    tokens: {
      prompt: Number(row?.prompt_tokens ?? 0),
      completion: Number(row?.completion_tokens ?? 0),
      total,
    },
    llmCalls: row?.llm_calls ?? 0,
    monthlyBudget: budget,
    remaining: budget === null ? null : Math.max(0, budget - total),
  };
}
