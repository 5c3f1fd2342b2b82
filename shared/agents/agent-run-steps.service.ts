/**
 * The steps of the agent-run state machine (`infra/workflows/agent-run.ts`),
 * one function per task: analyst, approval, qa (per requirement), automation
 * (per requirement), verify, finalize and the failure recorder. Each takes
 * ids and gives ids (Step Functions carries 256 KB at most); artifacts live
 * in Postgres. Each is idempotent on (run, stage, item): a step whose
 * artifact exists returns it without calling the LLM again, and its events
 * carry dedupe keys, so a retried or replayed step changes nothing twice.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { WorkflowStarter } from '../adapters/workflow-starter.ts';
import type { Config } from '../config.ts';
import { crawlAllowedHosts } from '../crawl/crawl.service.ts';
import { crawlPageBodySchema } from '../crawl/crawl.types.ts';
import { pageBodyInput } from '../crawl/crawls.repository.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import type { Embedder } from '../documents/embeddings/index.ts';
import { type ApprovalListener, requestApproval } from './agent-run-approvals.service.ts';
import { createRunMeter } from './agent-run-meter.ts';
import {
  addArtifactVersion,
  insertEvent,
  listArtifactRows,
  putAgentArtifact,
  type RunRow,
  transitionRun,
} from './agent-runs.repository.ts';
import { finishRun, requireRun } from './agent-runs.service.ts';
import {
  ACTIVE_RUN_STATUSES,
  APPROVAL_REJECTED_ERROR,
  type ApprovalStage,
  isFinalStatus,
  type Plan,
  RunNotActiveError,
  type RunRef,
} from './agent-runs.types.ts';
import {
  type AgentStage,
  type AnalystIssue,
  type CrawlFacts,
  type LlmProvider,
  type PlaywrightFile,
  playwrightFileSchema,
  type Requirement,
  type RetrievedChunk,
  requirementsSchema,
  type StageContext,
  type TestCase,
  testCasesSchema,
  type VerifyOutcome,
  verifyOutcomeSchema,
} from './agents.types.ts';
import { searchChunks } from './retrieval.ts';
import { runtimeOrigins } from './verify/origins.ts';

/**
 * The agents a step calls (`shared/agents/{llm,stages,verify}`), gathered by
 * `createAgentToolkit` so the steps read as orchestration only.
 */
export interface AgentToolkit {
  llm(): Promise<LlmProvider>;
  embedder(): Promise<Embedder>;
  analystSearchQueries(issues: readonly AnalystIssue[]): string[];
  runAnalyst(
    ctx: StageContext,
    input: { issues: AnalystIssue[]; chunks: RetrievedChunk[] },
  ): Promise<Requirement[]>;
  runQa(
    ctx: StageContext,
    input: { requirement: Requirement; chunks: RetrievedChunk[]; crawl: CrawlFacts | null },
  ): Promise<TestCase[]>;
  runAutomation(
    ctx: StageContext,
    input: { requirement: Requirement; testCases: TestCase[]; crawl: CrawlFacts | null },
  ): Promise<PlaywrightFile[]>;
  crawlFacts(
    crawlId: string,
    startUrl: string,
    pages: ReturnType<typeof crawlPageBodySchema.parse>[],
  ): CrawlFacts;
  verify(input: {
    files: PlaywrightFile[];
    crawl: CrawlFacts | null;
    run: {
      allowedHosts: ReturnType<typeof crawlAllowedHosts>;
      /** Origins of the runtime's own services, refused to the tests even when crawled. */
      ownOrigins?: string[];
      chromiumPath?: string;
      timeoutMs?: number;
      support?: { storageState?: { path: string; content: string } };
    } | null;
  }): Promise<{ outcome: VerifyOutcome; junitXml: string | null }>;
  /** The files with every test that is not proving retitled with its draft tag (the changed ones only). */
  retitleUnproven(
    files: readonly PlaywrightFile[],
    results: VerifyOutcome['results'],
    requirements: readonly Requirement[],
  ): PlaywrightFile[];
}

export interface StepDeps {
  db: Kysely<Database>;
  config: Config;
  workflow: WorkflowStarter;
  agents: AgentToolkit;
  /** Posts the approval request where the team works (GitHub comment). */
  onApprovalRequested?: ApprovalListener;
  /** Called when the run has ended (finalize, fail): edits the approval comment in place. Never fatal. */
  onRunFinished?: (orgId: string, runId: string) => Promise<void>;
}

/** Chunks retrieved per search query, and in all for the analyst. */
const CHUNKS_PER_QUERY = 8;
const MAX_CHUNKS = 40;

/** The run, still going; a finished (cancelled) run stops the step with {@link RunNotActiveError}. */
async function activeRun(deps: StepDeps, ref: RunRef, stage: string): Promise<RunRow> {
  return withTenant(deps.db, ref.orgId, async (trx) => {
    const run = await requireRun(trx, ref.runId);
    if (isFinalStatus(run.status)) throw new RunNotActiveError(`The run has finished (${run.status})`);
    if (run.stage !== stage || run.status !== 'running')
      await transitionRun(trx, ref.runId, ACTIVE_RUN_STATUSES, { status: 'running', stage });
    return run;
  });
}

async function stageEvent(
  deps: StepDeps,
  ref: RunRef,
  type: 'stage_started' | 'stage_finished',
  stage: AgentStage,
  item?: string,
  data: Record<string, unknown> = {},
) {
  await withTenant(deps.db, ref.orgId, (trx) =>
    insertEvent(trx, {
      ...ref,
      type,
      stage,
      data: { ...(item ? { item } : {}), ...data },
      dedupeKey: `${type}:${stage}${item ? `:${item}` : ''}`,
    }),
  );
}

async function stageContext(
  deps: StepDeps,
  ref: RunRef,
  run: RunRow,
  stage: AgentStage,
  item?: string,
): Promise<StageContext> {
  const meter = createRunMeter(deps, ref, stage, item);
  return {
    llm: await deps.agents.llm(),
    reserveTokens: meter.reserveTokens,
    recordCall: meter.recordCall,
    ...(run.instructions ? { instructions: run.instructions } : {}),
  };
}

/** Stores an agent's artifact once and records `artifact_created` the first time. */
async function storeArtifact(
  deps: StepDeps,
  ref: RunRef,
  artifact: {
    kind: 'requirements' | 'test-cases' | 'playwright-test' | 'verify-report';
    name: string;
    stage: AgentStage;
    content: unknown;
  },
): Promise<string> {
  return withTenant(deps.db, ref.orgId, async (trx) => {
    const { id, created } = await putAgentArtifact(trx, { ...ref, ...artifact });
    if (created)
      await insertEvent(trx, {
        ...ref,
        type: 'artifact_created',
        stage: artifact.stage,
        data: { artifactId: id, kind: artifact.kind, name: artifact.name, version: 1 },
        dedupeKey: `artifact_created:${id}`,
      });
    return id;
  });
}

async function currentRequirements(deps: StepDeps, ref: RunRef): Promise<Requirement[] | undefined> {
  const [row] = await withTenant(deps.db, ref.orgId, (trx) =>
    listArtifactRows(trx, ref.runId, ['requirements']),
  );
  return row ? requirementsSchema.parse(row.content) : undefined;
}

/** The issues of the run with their checklist criteria (active items, TIDs kept). */
async function analystIssues(deps: StepDeps, run: RunRow): Promise<AnalystIssue[]> {
  if (!run.repository_id || run.issues.length === 0) return [];
  const repositoryId = run.repository_id;
  return withTenant(deps.db, run.org_id, async (trx) => {
    const issues = await trx
      .selectFrom('issues')
      .select(['number', 'title'])
      .where('repository_id', '=', repositoryId)
      .where('number', 'in', run.issues)
      .execute();
    const items = await trx
      .selectFrom('checklist_items as i')
      .innerJoin('checklists as c', 'c.id', 'i.checklist_id')
      .select(['c.issue_number', 'i.tid', 'i.text', 'i.position'])
      .where('c.repository_id', '=', repositoryId)
      .where('c.issue_number', 'in', run.issues)
      .where('i.status', '=', 'active')
      .orderBy('c.issue_number')
      .orderBy('i.position')
      .execute();
    return run.issues.flatMap((number) => {
      const issue = issues.find((i) => i.number === number);
      if (!issue) return [];
      return [
        {
          repository: run.repository ?? '',
          number,
          title: issue.title,
          body: '',
          criteria: items
            .filter((i) => i.issue_number === number)
            .map((i) => ({ tid: `T${i.tid}`, text: i.text })),
        },
      ];
    });
  });
}

/** Document chunks for the analyst: hybrid search per query over the run's documents, best first. */
async function retrieveChunks(
  deps: StepDeps,
  run: RunRow,
  issues: readonly AnalystIssue[],
): Promise<RetrievedChunk[]> {
  if (run.document_ids.length === 0) return [];
  const queries = deps.agents.analystSearchQueries(issues);
  const found =
    queries.length > 0
      ? await searchChunks({ db: deps.db, embedder: await deps.agents.embedder() }, run.org_id, queries, {
          limit: CHUNKS_PER_QUERY,
          documentIds: run.document_ids,
        })
      : [];
  if (found.length === 0) {
    // No issue to search from: the documents' chunks in order.
    const rows = await withTenant(deps.db, run.org_id, (trx) =>
      trx
        .selectFrom('document_chunks as c')
        .innerJoin('documents as d', 'd.id', 'c.document_id')
        .select(['c.id', 'c.document_id', 'd.title', 'c.heading_path', 'c.text', 'c.ordinal'])
        .where('c.document_id', 'in', run.document_ids)
        .orderBy('c.document_id')
        .orderBy('c.ordinal')
        .limit(MAX_CHUNKS)
        .execute(),
    );
    return rows.map((r, index) => ({
      documentId: r.document_id,
      chunkId: r.id,
      documentName: r.title,
      headings: r.heading_path,
      text: r.text,
      score: 1 / (1 + index),
    }));
  }
  return found.slice(0, MAX_CHUNKS);
}

/** The chunks a requirement cites (its document sources), for the QA engineer. */
async function sourceChunks(
  deps: StepDeps,
  ref: RunRef,
  requirement: Requirement,
): Promise<RetrievedChunk[]> {
  const ids = requirement.sources.flatMap((s) => ('chunkId' in s ? [s.chunkId] : []));
  if (ids.length === 0) return [];
  const rows = await withTenant(deps.db, ref.orgId, (trx) =>
    trx
      .selectFrom('document_chunks as c')
      .innerJoin('documents as d', 'd.id', 'c.document_id')
      .select(['c.id', 'c.document_id', 'd.title', 'c.heading_path', 'c.text'])
      .where('c.id', 'in', ids)
      .execute(),
  );
  return rows.map((r) => ({
    documentId: r.document_id,
    chunkId: r.id,
    documentName: r.title,
    headings: r.heading_path,
    text: r.text,
    score: 1,
  }));
}

/** What the crawl of the run recorded, or null without one. */
async function crawlFacts(deps: StepDeps, run: RunRow): Promise<CrawlFacts | null> {
  if (!run.crawl_id) return null;
  const crawlId = run.crawl_id;
  const loaded = await withTenant(deps.db, run.org_id, async (trx) => {
    const crawl = await trx
      .selectFrom('crawls')
      .select(['id', 'start_url'])
      .where('id', '=', crawlId)
      .executeTakeFirst();
    if (!crawl) return undefined;
    const rows = await trx
      .selectFrom('crawl_pages')
      .selectAll()
      .where('crawl_id', '=', crawlId)
      .orderBy('seq')
      .execute();
    return { crawl, rows };
  });
  if (!loaded) return null;
  const pages = loaded.rows.flatMap((row) => {
    const parsed = crawlPageBodySchema.safeParse(pageBodyInput(row));
    return parsed.success ? [parsed.data] : [];
  });
  return deps.agents.crawlFacts(loaded.crawl.id, loaded.crawl.start_url, pages);
}

/** Analyst: requirements from the issues' criteria and the documents' chunks. Gives the requirement ids. */
export async function analystStep(deps: StepDeps, ref: RunRef): Promise<Plan> {
  const run = await activeRun(deps, ref, 'analyst');
  await stageEvent(deps, ref, 'stage_started', 'analyst');
  let requirements = await currentRequirements(deps, ref);
  if (!requirements) {
    const issues = await analystIssues(deps, run);
    const chunks = await retrieveChunks(deps, run, issues);
    requirements = await deps.agents.runAnalyst(await stageContext(deps, ref, run, 'analyst'), {
      issues,
      chunks,
    });
    await storeArtifact(deps, ref, {
      kind: 'requirements',
      name: 'requirements',
      stage: 'analyst',
      content: requirements,
    });
  }
  await stageEvent(deps, ref, 'stage_finished', 'analyst', undefined, { requirements: requirements.length });
  return { requirementIds: requirements.map((r) => r.id) };
}

async function requirementOf(deps: StepDeps, ref: RunRef, requirementId: string): Promise<Requirement> {
  const requirement = (await currentRequirements(deps, ref))?.find((r) => r.id === requirementId);
  if (!requirement) throw new Error(`Requirement ${requirementId} is not in the run's requirements`);
  return requirement;
}

/** QA engineer, one requirement (a Map iteration): its test cases. */
export async function qaStep(
  deps: StepDeps,
  ref: RunRef,
  requirementId: string,
): Promise<{ requirementId: string }> {
  const run = await activeRun(deps, ref, 'qa');
  await stageEvent(deps, ref, 'stage_started', 'qa', requirementId);
  const existing = await withTenant(deps.db, ref.orgId, (trx) =>
    listArtifactRows(trx, ref.runId, ['test-cases']),
  );
  if (!existing.some((a) => a.name === requirementId)) {
    const requirement = await requirementOf(deps, ref, requirementId);
    const testCases = await deps.agents.runQa(await stageContext(deps, ref, run, 'qa', requirementId), {
      requirement,
      chunks: await sourceChunks(deps, ref, requirement),
      crawl: await crawlFacts(deps, run),
    });
    await storeArtifact(deps, ref, {
      kind: 'test-cases',
      name: requirementId,
      stage: 'qa',
      content: testCases,
    });
  }
  await stageEvent(deps, ref, 'stage_finished', 'qa', requirementId);
  return { requirementId };
}

/** Automation engineer, one requirement (a Map iteration): its Playwright files. */
export async function automationStep(
  deps: StepDeps,
  ref: RunRef,
  requirementId: string,
): Promise<{ requirementId: string }> {
  const run = await activeRun(deps, ref, 'automation');
  await stageEvent(deps, ref, 'stage_started', 'automation', requirementId);
  const artifacts = await withTenant(deps.db, ref.orgId, (trx) =>
    listArtifactRows(trx, ref.runId, ['test-cases', 'playwright-test']),
  );
  const done = artifacts.some(
    (a) =>
      a.kind === 'playwright-test' &&
      playwrightFileSchema.safeParse(a.content).data?.requirementId === requirementId,
  );
  if (!done) {
    const requirement = await requirementOf(deps, ref, requirementId);
    const cases = artifacts.find((a) => a.kind === 'test-cases' && a.name === requirementId);
    const testCases = cases ? testCasesSchema.parse(cases.content) : [];
    const files = await deps.agents.runAutomation(
      await stageContext(deps, ref, run, 'automation', requirementId),
      {
        requirement,
        testCases,
        crawl: await crawlFacts(deps, run),
      },
    );
    for (const file of files)
      await storeArtifact(deps, ref, {
        kind: 'playwright-test',
        name: file.path,
        stage: 'automation',
        content: file,
      });
  }
  await stageEvent(deps, ref, 'stage_finished', 'automation', requirementId);
  return { requirementId };
}

/**
 * Verify: type-checks the generated files, checks their acted-on locators
 * against the crawl and, when the crawled app is reachable under the
 * crawler's network rules, runs them once headless and then against mutants
 * of the app; records the outcome on the run, the JUnit XML as the
 * `verify-report` artifact, and — in the same transaction — a new version of
 * every file with a test that did not prove its criterion, retitled with its
 * draft tag (only a proving test keeps its TID; with `ran: false` none does).
 * A replayed step finds the outcome recorded and changes nothing.
 */
export async function verifyStep(deps: StepDeps, ref: RunRef): Promise<{ tests: number }> {
  const run = await activeRun(deps, ref, 'verify');
  await stageEvent(deps, ref, 'stage_started', 'verify');
  if (run.verify) {
    const recorded = verifyOutcomeSchema.safeParse(run.verify);
    if (recorded.success) return { tests: recorded.data.tests };
  }
  const artifacts = await withTenant(deps.db, ref.orgId, (trx) =>
    listArtifactRows(trx, ref.runId, ['playwright-test']),
  );
  const files = artifacts.map((a) => playwrightFileSchema.parse(a.content));
  const crawl = await crawlFacts(deps, run);
  const { outcome, junitXml } = await deps.agents.verify({
    files,
    crawl,
    run: crawl
      ? {
          allowedHosts: crawlAllowedHosts(deps.config),
          ownOrigins: runtimeOrigins([
            deps.config.DATABASE_URL,
            deps.config.ASSAY_S3_ENDPOINT,
            deps.config.ASSAY_PUBLIC_URL,
            deps.config.ASSAY_DASHBOARD_URL,
            deps.config.ASSAY_GITHUB_API_URL,
            deps.config.ASSAY_OPENAI_BASE_URL,
            deps.config.ASSAY_EMBEDDINGS_BASE_URL,
          ]),
        }
      : null,
  });
  const requirements = (await currentRequirements(deps, ref)) ?? [];
  const drafts = deps.agents.retitleUnproven(files, outcome.results, requirements);
  await withTenant(deps.db, ref.orgId, async (trx) => {
    const updated = await trx
      .updateTable('agent_runs')
      .set({ verify: JSON.stringify(outcome) })
      .where('id', '=', ref.runId)
      .where('verify', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return;
    for (const draft of drafts) {
      const artifact = artifacts.find((a) => a.name === draft.path);
      if (!artifact) continue;
      const version = await addArtifactVersion(trx, {
        orgId: ref.orgId,
        artifactId: artifact.id,
        content: draft,
        userId: null,
        login: null,
        source: 'agent',
      });
      await insertEvent(trx, {
        ...ref,
        type: 'artifact_edited',
        stage: 'verify',
        data: { artifactId: artifact.id, kind: 'playwright-test', name: draft.path, version, by: 'verify' },
        dedupeKey: `artifact_edited:verify:${artifact.id}`,
      });
    }
    if (junitXml) {
      const { id, created } = await putAgentArtifact(trx, {
        ...ref,
        kind: 'verify-report',
        name: 'verify-junit.xml',
        stage: 'verify',
        content: junitXml,
      });
      if (created)
        await insertEvent(trx, {
          ...ref,
          type: 'artifact_created',
          stage: 'verify',
          data: { artifactId: id, kind: 'verify-report', name: 'verify-junit.xml', version: 1 },
          dedupeKey: `artifact_created:${id}`,
        });
    }
  });
  await stageEvent(deps, ref, 'stage_finished', 'verify', undefined, {
    typecheck: outcome.typecheck,
    tests: outcome.tests,
    passed: outcome.passed,
    failed: outcome.failed,
    proving: outcome.proving,
    vacuous: outcome.vacuous,
  });
  return { tests: outcome.tests };
}

/** Finalize: the run `succeeded`, the requester notified. */
export async function finalizeStep(deps: StepDeps, ref: RunRef): Promise<{ status: string }> {
  const row = await finishRun(deps.db, ref.orgId, ref.runId, { status: 'succeeded' });
  await deps.onRunFinished?.(ref.orgId, ref.runId).catch(() => undefined);
  if (!row) {
    const run = await withTenant(deps.db, ref.orgId, (trx) => requireRun(trx, ref.runId));
    return { status: run.status };
  }
  return { status: 'succeeded' };
}

/** The approval step: see {@link requestApproval}. */
export async function approvalStep(
  deps: StepDeps,
  ref: RunRef,
  stage: ApprovalStage,
  taskToken: string,
): Promise<void> {
  await requestApproval(
    {
      db: deps.db,
      workflow: deps.workflow,
      ...(deps.config.ASSAY_PUBLIC_URL ? { publicUrl: deps.config.ASSAY_PUBLIC_URL } : {}),
      ...(deps.onApprovalRequested ? { onRequested: deps.onApprovalRequested } : {}),
    },
    ref,
    stage,
    taskToken,
  );
}

/** How each error name the definition's Catch hands over ends a run. */
export function failureOutcome(error: { Error: string; Cause?: string } | undefined): {
  status: 'failed' | 'budget_exceeded' | 'timed_out' | 'rejected';
  errorCode: string;
  error: string;
} {
  const name = error?.Error ?? 'States.Runtime';
  const cause = causeMessage(error?.Cause);
  switch (name) {
    case 'BudgetExceededError':
      return {
        status: 'budget_exceeded',
        errorCode: 'budget_exceeded',
        error: cause || 'The token budget is spent',
      };
    case 'States.Timeout':
      return {
        status: 'timed_out',
        errorCode: 'timed_out',
        error: cause || 'A step or an approval timed out',
      };
    case APPROVAL_REJECTED_ERROR:
      return { status: 'rejected', errorCode: 'rejected', error: cause || 'Rejected' };
    case 'AgentOutputError':
      return {
        status: 'failed',
        errorCode: 'agent_output_invalid',
        error: cause || 'An agent kept returning invalid output',
      };
    case 'LlmUnavailableError':
      return { status: 'failed', errorCode: 'llm_unavailable', error: cause || 'The LLM provider failed' };
    default:
      return { status: 'failed', errorCode: 'step_failed', error: `${name}: ${cause || 'a step failed'}` };
  }
}

/** A Lambda error's Cause is JSON (`{"errorMessage": …}`) on AWS and plain text locally. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage.slice(0, 2000);
  } catch {
    // plain text
  }
  return cause.slice(0, 2000);
}

/**
 * The failure step (every Catch leads here): ends a run that is still going
 * with the status its error means. A run already finished (cancelled,
 * rejected through the API) stays as it is. Gives the run's final status.
 */
export async function failStep(
  deps: StepDeps,
  ref: RunRef,
  error: { Error: string; Cause?: string } | undefined,
): Promise<{ status: string }> {
  if (error?.Error !== 'RunNotActiveError')
    await finishRun(deps.db, ref.orgId, ref.runId, failureOutcome(error));
  await deps.onRunFinished?.(ref.orgId, ref.runId).catch(() => undefined);
  const run = await withTenant(deps.db, ref.orgId, (trx) => requireRun(trx, ref.runId));
  return { status: run.status };
}
