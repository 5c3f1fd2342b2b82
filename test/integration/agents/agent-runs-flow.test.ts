import { randomUUID } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withSystem } from '../../../shared/db/tenant.ts';
import { parseJUnit } from '../../../shared/reports/junit/index.ts';
import { type AgentWorld, startAgentWorld } from '../../support/agent-runs.ts';
import { type CrawlSite, startCrawlSite } from '../../support/crawl-site.ts';
import { auditEventsOf } from '../../support/identity.ts';

// The whole agent pipeline through HTTP on the local runtime: a GitHub issue's checklist (TIDs), a real crawl
// of the test site, the real state machine on aws-local-stepfunctions with the offline LLM, approvals through
// the API and through `/assay approve` on the issue, events by polling and SSE (Last-Event-ID resume), the
// artifacts, verify (a real Playwright run against the site) and export.zip.
let w: AgentWorld;
let site: CrawlSite;
let crawlId: string;

const ORG = 'agentco';
const call = (who: 'member' | 'viewer', method: string, path: string, body?: unknown) =>
  w.call(who, method, path, body);
const until = <T>(what: string, probe: () => Promise<T | undefined>) => w.until(what, probe);
const runStatus = (id: string, statuses: string[]) => w.runStatus(id, statuses);
const pendingApproval = (id: string, stage: string) => w.pendingApproval(id, stage);
const comment = (body: string, login: string, deliveryId?: string) => w.comment(body, login, deliveryId);
const deliveryOutcome = (deliveryId: string) => w.deliveryOutcome(deliveryId);

/** Reads an SSE stream until `event: end`, returning the events (id, type) in order and the raw text. */
async function readStream(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${w.runtime.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${w.as.viewer}`, ...headers },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  const events = text
    .split('\n\n')
    .map((block) =>
      Object.fromEntries(
        block
          .split('\n')
          .filter((l) => /^(id|event|data):/.test(l))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      ),
    )
    .filter((e) => e.event);
  return { text, events: events as { id?: string; event: string; data: string }[] };
}

beforeAll(async () => {
  site = await startCrawlSite({ app: true });
  process.env.ASSAY_CRAWL_ALLOWED_HOSTS = `127.0.0.1:${site.port}`;
  process.env.ASSAY_CRAWL_DELAY_MS = '0';
  process.env.ASSAY_CRAWL_SETTLE_MS = '500';
  process.env.ASSAY_EVENTS_HEARTBEAT_SECONDS = '1';
  w = await startAgentWorld(ORG, 8080);
  const crawl = await call('member', 'POST', `/orgs/${ORG}/crawls`, {
    startUrl: `${site.origin}/`,
    maxPages: 8,
    maxDepth: 1,
    exclude: ['/calendar*', '/never', '/big', '/files/*', '/api/*', '/embeds', '/spa', '/go/*'],
  });
  expect(crawl.status).toBe(202);
  crawlId = crawl.body.crawl.id;
  await until('the crawl', async () => {
    const res = await call('member', 'GET', `/orgs/${ORG}/crawls/${crawlId}`);
    return ['succeeded', 'failed'].includes(res.body.status) ? res.body : undefined;
  });
}, 240_000);

afterAll(async () => {
  await w?.dispose();
  await site?.stop();
  for (const key of [
    'ASSAY_CRAWL_ALLOWED_HOSTS',
    'ASSAY_CRAWL_DELAY_MS',
    'ASSAY_CRAWL_SETTLE_MS',
    'ASSAY_EVENTS_HEARTBEAT_SECONDS',
  ])
    delete process.env[key];
});

describe('an agent run from an issue to verified Playwright tests', () => {
  let runId: string;

  it('starts (202), waits for the requirements approval, and posts it on the issue', async () => {
    const res = await call('member', 'POST', `/orgs/${ORG}/agent-runs`, {
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
      crawlId,
      instructions: 'Focus on sign-in.',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ run: { id: expect.any(String), status: 'running' } });
    runId = res.body.run.id;
    const run = await runStatus(runId, ['awaiting_approval']);
    expect(run).toMatchObject({
      stage: 'analyst',
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
      crawlId,
      approvals: 'each-stage',
    });
    expect(run.tokens.total).toBeGreaterThan(0);
    expect(run.tokens.byStage.analyst).toBe(run.tokens.total);
    expect(run.model).toBeTruthy();
    expect(Object.keys(run.promptVersions).length).toBeGreaterThan(0);

    // The comment is posted after the approval is recorded (the run shows awaiting_approval first).
    const notice = await vi.waitFor(
      () => {
        const comments = w.github.state.commentsOn(`${ORG}/shop`, w.issue.number);
        const found = comments.find((c) => c.body.includes(`<!-- assay:agent-run:${runId} -->`));
        if (!found) throw new Error('no approval comment on the issue yet');
        return found;
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(notice?.body).toContain('requirements (analyst)');
    expect(notice?.body).toContain('/assay approve');
    const notifications = await withSystem(w.runtime.db, (trx) =>
      trx
        .selectFrom('notifications')
        .select(['user_id', 'kind'])
        .where('kind', '=', 'agent_run_awaiting_approval')
        .execute(),
    );
    expect(notifications.length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('keeps the issue TIDs in the requirements, refuses viewers and malformed edits, then takes an edit', async () => {
    const approval = await pendingApproval(runId, 'analyst');
    const artifacts = await call(
      'viewer',
      'GET',
      `/orgs/${ORG}/agent-runs/${runId}/artifacts?kind=requirements`,
    );
    expect(artifacts.status).toBe(200);
    const [requirements] = artifacts.body.artifacts;
    expect(requirements).toMatchObject({
      kind: 'requirements',
      version: 1,
      stage: 'analyst',
      source: 'agent',
    });
    const tids = requirements.content.flatMap((r: { acceptanceCriteria: { tid?: string }[] }) =>
      r.acceptanceCriteria.map((c) => c.tid),
    );
    expect(tids).toEqual(expect.arrayContaining(['T1', 'T2']));

    const path = `/orgs/${ORG}/agent-runs/${runId}/approvals/${approval.id}`;
    expect((await call('viewer', 'POST', path, { decision: 'approve' })).status).toBe(403);
    const malformed = await call('member', 'POST', path, {
      decision: 'edit',
      artifacts: [{ id: requirements.id, content: [{ id: 'X1', title: '', acceptanceCriteria: [] }] }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.artifacts.0.content.0.id', 'body.artifacts.0.content.0.title']),
    );
    const edited = structuredClone(requirements.content);
    edited[0].title = `${edited[0].title} (reviewed)`;
    const decided = await call('member', 'POST', path, {
      decision: 'edit',
      comment: 'Title clarified',
      artifacts: [{ id: requirements.id, content: edited }],
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'edited',
      decision: 'edit',
      decidedVia: 'api',
      comment: 'Title clarified',
    });
    expect((await call('member', 'POST', path, { decision: 'approve' })).body.error.code).toBe(
      'approval_decided',
    );
    const v2 = await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/artifacts/${requirements.id}`);
    expect(v2.body).toMatchObject({ version: 2, latestVersion: 2, source: 'human' });
    expect(v2.body.content[0].title).toMatch(/\(reviewed\)$/);
    const v1 = await call(
      'viewer',
      'GET',
      `/orgs/${ORG}/agent-runs/${runId}/artifacts/${requirements.id}?version=1`,
    );
    expect(v1.body).toMatchObject({ version: 1, latestVersion: 2, source: 'agent' });
    const audits = await auditEventsOf(w.runtime.db, w.orgId, 'agent_run.approval_decided');
    expect(audits.map((a) => a.target_id)).toContain(runId);
  }, 60_000);

  it('is approved a second time with /assay approve on the issue, once, and only from write access', async () => {
    await pendingApproval(runId, 'qa');
    const denied = await deliveryOutcome(await comment('/assay approve', 'eve'));
    expect(denied.outcome).toMatch(/without write access/);
    expect((await pendingApproval(runId, 'qa')).status).toBe('pending');
    const deliveryId = randomUUID();
    await comment('/assay approve', 'mona', deliveryId);
    expect((await deliveryOutcome(deliveryId)).outcome).toMatch(/approved by mona/);
    const again = await deliveryOutcome(await comment('/assay approve', 'mona'));
    expect(again.outcome).not.toMatch(/approved by/);
    const approvals = await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/approvals`);
    expect(approvals.body.approvals.find((a: { stage: string }) => a.stage === 'qa')).toMatchObject({
      status: 'approved',
      decidedBy: 'mona',
      decidedVia: 'github',
    });
  }, 120_000);

  it('succeeds with Playwright files that type-check, use crawled locators and pass against the site', async () => {
    const run = await runStatus(runId, ['succeeded', 'failed']);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.verify).toMatchObject({ typecheck: 'ok', locatorsMissing: [], ran: true, failed: 0 });
    expect(run.verify.tests).toBeGreaterThan(0);
    expect(run.verify.passed).toBe(run.verify.tests - run.verify.skipped);
    const { body } = await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/artifacts`);
    const kinds = new Set(body.artifacts.map((a: { kind: string }) => a.kind));
    expect(kinds).toEqual(new Set(['requirements', 'test-cases', 'playwright-test', 'verify-report']));
    const file = body.artifacts.find((a: { kind: string }) => a.kind === 'playwright-test');
    expect(file.content.content).toMatch(/test\('T1::/);
    const report = body.artifacts.find((a: { kind: string }) => a.kind === 'verify-report');
    const names: string[] = [];
    const parsed = await parseJUnit(report.content, { onTestCase: (c) => void names.push(c.name) });
    expect(parsed.valid).toBe(true);
    expect(names.some((name) => name.includes('T1::'))).toBe(true);
    // The marked approval comment was edited in place as the stages were decided and the run ended.
    await vi.waitFor(
      () => {
        const marked = w.github.state
          .commentsOn(`${ORG}/shop`, w.issue.number)
          .filter((c) => c.body.includes(`<!-- assay:agent-run:${runId} -->`));
        expect(marked).toHaveLength(1);
        expect(marked[0]?.body).toContain('Assay agent run succeeded');
        expect(marked[0]?.body).toMatch(/requirements \(analyst\): \*\*edited\*\*/);
        expect(marked[0]?.body).toMatch(/test cases \(QA engineer\): \*\*approved\*\* by mona/);
      },
      { timeout: 15_000, interval: 100 },
    );
    const finished = await withSystem(w.runtime.db, (trx) =>
      trx.selectFrom('notifications').select('kind').where('kind', '=', 'agent_run_finished').execute(),
    );
    expect(finished).toHaveLength(1);
    const usage = await call('viewer', 'GET', `/orgs/${ORG}/usage`);
    expect(usage.body.tokens.total).toBe(run.tokens.total);
    expect(usage.body.llmCalls).toBeGreaterThan(0);
  }, 240_000);

  it('has its events in order by polling and over SSE, resuming after Last-Event-ID', async () => {
    const all = (await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/events`)).body.events;
    const types = all.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('run_started');
    expect(types.at(-1)).toBe('run_finished');
    for (const type of [
      'stage_started',
      'llm_call',
      'artifact_created',
      'approval_requested',
      'approval_decided',
      'stage_finished',
    ])
      expect(types).toContain(type);
    const ids = all.map((e: { id: string }) => Number(e.id));
    // Numbered within the run (1, 2 …): nothing about other runs or organisations shows through.
    expect(ids).toEqual(ids.map((_: number, i: number) => i + 1));
    const middle = all[Math.floor(all.length / 2)].id;
    const after = (await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/events?after=${middle}`))
      .body.events;
    expect(after.map((e: { id: string }) => e.id)).toEqual(
      all.filter((e: { id: string }) => Number(e.id) > Number(middle)).map((e: { id: string }) => e.id),
    );

    const full = await readStream(`/orgs/${ORG}/agent-runs/${runId}/events/stream`);
    expect(full.events.filter((e) => e.id).map((e) => e.id)).toEqual(all.map((e: { id: string }) => e.id));
    expect(full.events.at(-1)).toMatchObject({ event: 'end' });
    expect(full.text.startsWith('retry: 2000\n: heartbeat\n\n')).toBe(true);
    const resumed = await readStream(`/orgs/${ORG}/agent-runs/${runId}/events/stream`, {
      'last-event-id': middle,
    });
    expect(resumed.events.filter((e) => e.id).map((e) => e.id)).toEqual(
      after.map((e: { id: string }) => e.id),
    );
    const bad = await fetch(`${w.runtime.url}/api/v1/orgs/${ORG}/agent-runs/${runId}/events/stream`, {
      headers: { authorization: `Bearer ${w.as.viewer}`, 'last-event-id': 'nope' },
    });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { message: string; details: Array<{ path: string }> } };
    expect(badBody.error.details[0]?.path).toBe('header.last-event-id');
    expect(badBody.error.message).toContain('last-event-id');
    const anonymous = await fetch(`${w.runtime.url}/api/v1/orgs/${ORG}/agent-runs/${runId}/events/stream`);
    expect(anonymous.status).toBe(401);
  }, 60_000);

  it('exports the artifacts as a ZIP through a presigned download', async () => {
    const res = await fetch(`${w.runtime.url}/api/v1/orgs/${ORG}/agent-runs/${runId}/export.zip`, {
      headers: { authorization: `Bearer ${w.as.viewer}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    // Kept under the exports prefix, which the bucket's lifecycle rule expires.
    expect(decodeURIComponent(new URL(location).pathname)).toContain(
      `/exports/${w.orgId}/agent-runs/${runId}/`,
    );
    const download = await fetch(location);
    expect(download.status).toBe(200);
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    const names = Object.keys(files);
    expect(names).toContain('manifest.json');
    expect(names.some((n) => n.endsWith('.spec.ts'))).toBe(true);
    expect(names.some((n) => n.endsWith('.csv'))).toBe(true);
    expect(names.some((n) => n.endsWith('.md'))).toBe(true);
    // The export's verify files are exactly what verify produced.
    const run = (await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}`)).body;
    expect(JSON.parse(new TextDecoder().decode(files['verify/outcome.json']))).toEqual(run.verify);
    const report = (
      await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/artifacts?kind=verify-report`)
    ).body.artifacts[0];
    expect(report.version).toBe(1);
    expect(new TextDecoder().decode(files['verify/junit.xml'])).toBe(report.content);
  }, 60_000);

  it('records which tests prove, and keeps what was signed off as it was', async () => {
    const run = (await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}`)).body;
    expect(run.verify.proving + run.verify.vacuous).toBeLessThanOrEqual(run.verify.passed);
    expect(run.verify.results.length).toBe(run.verify.tests);
    const { body } = await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/artifacts`);
    const file = body.artifacts.find((a: { kind: string }) => a.kind === 'playwright-test');
    const report = body.artifacts.find((a: { kind: string }) => a.kind === 'verify-report');
    // Only a proving test carries its TID in the file as it stands after verify.
    const carried = new Set(file.content.tids);
    for (const r of run.verify.results)
      if (r.tid && r.outcome !== 'proving') expect(carried.has(r.tid)).toBe(false);
    const put = (id: string, content: unknown) =>
      call('member', 'PUT', `/orgs/${ORG}/agent-runs/${runId}/artifacts/${id}`, { content });
    const edit = await put(file.id, { ...file.content, content: `${file.content.content}\n// edited` });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('run_finished');
    const forged = await put(report.id, '<testsuites tests="99"/>');
    expect(forged.status).toBe(409);
    expect(forged.body.error.code).toBe('artifact_read_only');
    const promote = (title: string, tid?: string) =>
      call('member', 'POST', `/orgs/${ORG}/agent-runs/${runId}/artifacts/${file.id}/promote`, {
        title,
        ...(tid ? { tid } : {}),
      });
    expect((await promote('R9.9::no such test', 'T1')).body.error.code).toBe('test_not_found');
    const proving = run.verify.results.find((r: { outcome: string }) => r.outcome === 'proving');
    if (proving) expect((await promote(proving.title)).body.error.code).toBe('already_proving');
    expect(
      (
        await call('viewer', 'POST', `/orgs/${ORG}/agent-runs/${runId}/artifacts/${file.id}/promote`, {
          title: 'x',
        })
      ).status,
    ).toBe(403);
    const after = await call('viewer', 'GET', `/orgs/${ORG}/agent-runs/${runId}/artifacts/${file.id}`);
    expect(after.body.version).toBe(file.version);
  });

  it('refuses to approve or cancel a finished run (409)', async () => {
    const approvals = await call('member', 'GET', `/orgs/${ORG}/agent-runs/${runId}/approvals`);
    const [first] = approvals.body.approvals;
    const res = await call('member', 'POST', `/orgs/${ORG}/agent-runs/${runId}/approvals/${first.id}`, {
      decision: 'approve',
    });
    expect(res.status).toBe(409);
    const cancel = await call('member', 'POST', `/orgs/${ORG}/agent-runs/${runId}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('run_finished');
  });
});

describe('runs that end otherwise', () => {
  it('is rejected with /assay reject <reason>', async () => {
    const res = await call('member', 'POST', `/orgs/${ORG}/agent-runs`, {
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
    });
    const id = res.body.run.id;
    await pendingApproval(id, 'analyst');
    const deliveryId = await comment('/assay reject the criteria are out of date', 'mona');
    expect((await deliveryOutcome(deliveryId)).outcome).toMatch(/rejected by mona/);
    const run = await runStatus(id, ['rejected']);
    expect(run.error).toEqual({ code: 'rejected', message: 'Rejected: the criteria are out of date' });
    expect(run.finishedAt).not.toBeNull();
  }, 120_000);

  it('is cancelled while it waits, which stops its execution', async () => {
    const res = await call('member', 'POST', `/orgs/${ORG}/agent-runs`, {
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
    });
    const id = res.body.run.id;
    const approval = await pendingApproval(id, 'analyst');
    const cancelled = await call('member', 'POST', `/orgs/${ORG}/agent-runs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call('member', 'POST', `/orgs/${ORG}/agent-runs/${id}/cancel`)).body.status).toBe(
      'cancelled',
    );
    const execution = await until('the execution to stop', async () => {
      const rows = await w.runtime.db
        .selectFrom('assay_local.workflow_executions' as never)
        .selectAll()
        .where('id' as never, '=', `local:agent-run:${id}` as never)
        .execute();
      const row = rows[0] as { status: string } | undefined;
      return row && row.status !== 'running' ? row : undefined;
    });
    expect(execution.status).toBe('aborted');
    const late = await call('member', 'POST', `/orgs/${ORG}/agent-runs/${id}/approvals/${approval.id}`, {
      decision: 'approve',
    });
    expect(late.status).toBe(409);
    expect(
      (await call('member', 'GET', `/orgs/${ORG}/agent-runs/${id}/approvals`)).body.approvals[0].status,
    ).toBe('cancelled');
  }, 120_000);

  it('stops as budget_exceeded when its token budget cannot cover a call', async () => {
    const res = await call('member', 'POST', `/orgs/${ORG}/agent-runs`, {
      repository: `${ORG}/shop`,
      issues: [w.issue.number],
      approvals: 'none',
      tokenBudget: 10,
    });
    const run = await runStatus(res.body.run.id, ['budget_exceeded', 'failed', 'succeeded']);
    expect(run.status).toBe('budget_exceeded');
    expect(run.error.message).toMatch(/token budget \(10\)/);
    expect(run.tokens.total).toBeLessThanOrEqual(10);
  }, 120_000);
});
