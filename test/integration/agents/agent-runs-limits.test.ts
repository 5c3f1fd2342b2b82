import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { repositoryRoot } from '../../../infra/local/runtime.ts';
import { LocalWorkflowEngine } from '../../../infra/local/workflow-engine.ts';
import { topology } from '../../../infra/topology.ts';
import { agentRunDefinition } from '../../../infra/workflows/agent-run.ts';
import { resetConfig } from '../../../shared/config.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { type AgentWorld, startAgentWorld } from '../../support/agent-runs.ts';
import { seedOrg } from '../../support/identity.ts';

// Bad input, limits and failures of agent runs on the local runtime with the real state machine:
// unknown or foreign ids, malformed requests, an approval that times out, the organisation's monthly
// budget, and a runner that stops in the middle of a run (as a restarted `npm start` would).
let w: AgentWorld;
const ORG = 'limitco';
let base: string;

beforeAll(async () => {
  w = await startAgentWorld(ORG, 9090);
  base = `/orgs/${ORG}/agent-runs`;
  // Each test runs the state machine on its own runner (approval wait as it needs).
  await w.runtime.workflows.stop();
}, 120_000);

afterAll(async () => {
  delete process.env.ASSAY_ORG_MONTHLY_TOKEN_BUDGET;
  resetConfig();
  await w?.dispose();
});

/** A local runner of the agent-run state machine whose approvals wait `approvalTimeoutSeconds`. */
function runner(approvalTimeoutSeconds: number) {
  const engine = new LocalWorkflowEngine({
    root: repositoryRoot,
    db: w.runtime.db,
    machines: topology.stateMachines,
    definitions: { 'agent-run': agentRunDefinition({ approvalTimeoutSeconds }) },
    pollIntervalMs: 50,
  });
  engine.start();
  return engine;
}

const countRuns = () =>
  withSystem(w.runtime.db, (trx) =>
    trx
      .selectFrom('agent_runs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ).then((r) => Number(r.n));

describe('bad input', () => {
  it('answers 404 for unknown repositories, issues, documents and crawls, and another organisation’s crawl', async () => {
    const before = await countRuns();
    const repository = `${ORG}/shop`;
    const cases: [unknown, string][] = [
      [{ repository: `${ORG}/nope`, issues: [w.issue.number] }, 'not_found'],
      [{ repository, issues: [w.issue.number, 999] }, 'issue_not_found'],
      [{ documentIds: [randomUUID()] }, 'document_not_found'],
      [{ repository, issues: [w.issue.number], crawlId: randomUUID() }, 'crawl_not_found'],
    ];
    const otherOrg = await seedOrg(w.runtime.db, 'limitco-other');
    const foreignCrawl = randomUUID();
    await withSystem(w.runtime.db, (trx) =>
      trx
        .insertInto('crawls')
        .values({
          id: foreignCrawl,
          org_id: otherOrg,
          start_url: 'http://127.0.0.1:9/',
          status: 'succeeded',
          max_pages: 1,
          max_depth: 0,
          scope: 'same-origin',
          exclude: '[]',
          respect_robots_txt: true,
          login_steps: '[]',
        })
        .execute(),
    );
    cases.push([{ repository, issues: [w.issue.number], crawlId: foreignCrawl }, 'crawl_not_found']);
    for (const [body, code] of cases) {
      const res = await w.call('member', 'POST', base, body);
      expect({ body, status: res.status, code: res.body.error.code }).toEqual({ body, status: 404, code });
    }
    expect(await countRuns()).toBe(before);
  });

  it('answers 409 naming a document that is not ready (processing after a crash, or failed)', async () => {
    const before = await countRuns();
    for (const status of ['processing', 'failed', 'pending'] as const) {
      const id = randomUUID();
      await withSystem(w.runtime.db, (trx) =>
        trx
          .insertInto('documents')
          .values({
            id,
            org_id: w.orgId,
            title: `Spec ${status}`,
            filename: `spec-${status}.md`,
            content_type: 'text/markdown',
            kind: 'markdown',
            bytes: 10,
            object_key: null,
            status,
            failure_reason: status === 'failed' ? 'corrupt' : null,
            message: null,
            page_count: null,
            embedding_model: null,
            embedding_dimensions: null,
            created_by: null,
            upload_expires_at: null,
            processing_started_at: null,
          })
          .execute(),
      );
      const res = await w.call('member', 'POST', base, { documentIds: [id] });
      expect({ status: res.status, code: res.body.error.code }).toEqual({
        status: 409,
        code: 'document_not_ready',
      });
      expect(res.body.error.message).toContain(`spec-${status}.md`);
      expect(res.body.error.message).toContain(status);
    }
    expect(await countRuns()).toBe(before);
  });

  it('answers 400 with the failing fields for malformed requests, a budget of 0 included', async () => {
    const cases: [unknown, string][] = [
      [{}, 'body.issues'],
      [{ issues: [1] }, 'body.repository'],
      [{ repository: `${ORG}/shop`, issues: [w.issue.number], tokenBudget: 0 }, 'body.tokenBudget'],
      [{ repository: `${ORG}/shop`, issues: [w.issue.number], approvals: 'sometimes' }, 'body.approvals'],
      [{ documentIds: ['not-a-uuid'] }, 'body.documentIds.0'],
      [{ repository: `${ORG}/shop`, issues: [w.issue.number], extra: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await w.call('member', 'POST', base, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const events = await w.call('viewer', 'GET', `${base}/${randomUUID()}/events?after=x`);
    expect(events.status).toBe(400);
    expect((await w.call('viewer', 'GET', `${base}/${randomUUID()}`)).status).toBe(404);
    expect(
      (await w.call('viewer', 'POST', base, { repository: `${ORG}/shop`, issues: [w.issue.number] })).status,
    ).toBe(403);
  });
});

describe('limits and failures', () => {
  it('ends timed_out when nobody decides in time, and a late decision is a 409', async () => {
    const engine = runner(2);
    onTestFinished(() => engine.stop());
    const res = await w.call('member', 'POST', base, { repository: `${ORG}/shop`, issues: [w.issue.number] });
    const id = res.body.run.id;
    const approval = await w.pendingApproval(id, 'analyst');
    const run = await w.runStatus(id, ['timed_out', 'failed', 'succeeded']);
    expect(run.status).toBe('timed_out');
    expect(run.error.code).toBe('timed_out');
    const late = await w.call('member', 'POST', `${base}/${id}/approvals/${approval.id}`, {
      decision: 'approve',
    });
    expect(late.status).toBe(409);
    const approvals = (await w.call('viewer', 'GET', `${base}/${id}/approvals`)).body.approvals;
    expect(approvals[0].status).toBe('expired');
  }, 60_000);

  it('resumes a run whose runtime stopped mid-run: a new runner replays it without repeating the analyst', async () => {
    const res = await w.call('member', 'POST', base, {
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
      approvals: 'each-stage',
    });
    const id = res.body.run.id;
    const first = runner(72 * 3600);
    const approval = await w.pendingApproval(id, 'analyst');
    const llmCalls = async () =>
      (await w.call('viewer', 'GET', `${base}/${id}/events`)).body.events.filter(
        (e: { type: string }) => e.type === 'llm_call',
      ).length;
    const callsBefore = await llmCalls();
    // The runner stops as its process would; a fresh one (another owner) claims the execution.
    await first.stop();
    const second = runner(72 * 3600);
    try {
      // The replayed approval step hands the pending approval a new token; the old one is stale.
      await w.until('the replayed approval', async () => {
        const row = await withSystem(w.runtime.db, (trx) =>
          trx
            .selectFrom('agent_run_approvals')
            .select('updated_at')
            .where('id', '=', approval.id)
            .executeTakeFirstOrThrow(),
        );
        const events = (await w.call('viewer', 'GET', `${base}/${id}/events`)).body.events;
        return row.updated_at.getTime() > Date.parse(approval.createdAt) &&
          events.filter((e: { type: string }) => e.type === 'approval_requested').length === 1
          ? row
          : undefined;
      });
      expect(await llmCalls()).toBe(callsBefore);
      const decided = await w.call('member', 'POST', `${base}/${id}/approvals/${approval.id}`, {
        decision: 'approve',
      });
      expect(decided.status).toBe(200);
      const qa = await w.pendingApproval(id, 'qa');
      await w.call('member', 'POST', `${base}/${id}/approvals/${qa.id}`, { decision: 'approve' });
      const run = await w.runStatus(id, ['succeeded', 'failed']);
      expect(run.status).toBe('succeeded');
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('stops as budget_exceeded when the organisation’s monthly budget is spent, and shows it in usage', async () => {
    const usage = (await w.call('viewer', 'GET', `/orgs/${ORG}/usage`)).body;
    expect(usage.monthlyBudget).toBeNull();
    process.env.ASSAY_ORG_MONTHLY_TOKEN_BUDGET = String(usage.tokens.total + 5);
    resetConfig();
    const engine = runner(72 * 3600);
    try {
      const res = await w.call('member', 'POST', base, {
        repository: `${ORG}/shop`,
        issues: [w.issue.number],
      });
      const run = await w.runStatus(res.body.run.id, [
        'budget_exceeded',
        'failed',
        'succeeded',
        'awaiting_approval',
      ]);
      expect(run.status).toBe('budget_exceeded');
      expect(run.error.message).toMatch(/monthly token budget/);
      const after = (await w.call('viewer', 'GET', `/orgs/${ORG}/usage`)).body;
      expect(after).toMatchObject({
        monthlyBudget: usage.tokens.total + 5,
        remaining: 5,
        tokens: usage.tokens,
      });
    } finally {
      await engine.stop();
    }
  }, 60_000);
});
