import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentWorld, startAgentWorld } from '../../support/agent-runs.ts';
import { echoExtracted, type FakeOpenAi, startFakeOpenAi } from '../../support/fake-openai/index.ts';

// An OpenAI-compatible endpoint that answers the analyst with garbage, then with errors: each run ends with
// a recorded failure (never stuck running), its LLM calls metered and visible as events.
let w: AgentWorld;
let openai: FakeOpenAi;
let analyst: 'garbage' | 'down' = 'garbage';

beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.setDefault((request) => {
    if (!JSON.stringify(request.responseFormat ?? '').includes('requirements'))
      return echoExtracted(request.messages);
    return analyst === 'garbage'
      ? {
          content: '{"requirements": "not what you asked for"}',
          usage: { prompt_tokens: 120, completion_tokens: 9 },
        }
      : { status: 503 };
  });
  process.env.ASSAY_OPENAI_BASE_URL = openai.baseUrl;
  process.env.ASSAY_OPENAI_API_KEY = openai.apiKey;
  w = await startAgentWorld('llmfail', 5050);
}, 120_000);

afterAll(async () => {
  delete process.env.ASSAY_OPENAI_BASE_URL;
  delete process.env.ASSAY_OPENAI_API_KEY;
  await w?.dispose();
  await openai?.stop();
});

const start = async () =>
  (
    await w.call('member', 'POST', '/orgs/llmfail/agent-runs', {
      repository: 'llmfail/shop',
      issues: [w.issue.number],
      approvals: 'none',
    })
  ).body.run.id as string;

describe('an LLM that misbehaves', () => {
  it('fails the run as agent_output_invalid after one corrective retry of invalid output', async () => {
    analyst = 'garbage';
    const id = await start();
    const run = await w.runStatus(id, ['failed', 'succeeded']);
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('agent_output_invalid');
    const calls = (await w.call('viewer', 'GET', `/orgs/llmfail/agent-runs/${id}/events`)).body.events.filter(
      (e: { type: string }) => e.type === 'llm_call',
    );
    expect(
      calls.map((c: { data: { outcome: string; attempt: number } }) => [c.data.attempt, c.data.outcome]),
    ).toEqual([
      [1, 'invalid'],
      [2, 'invalid'],
    ]);
    expect(run.tokens.total).toBe(2 * 129);
  }, 60_000);

  it('fails the run as llm_unavailable when the provider keeps failing, after the state machine retried', async () => {
    analyst = 'down';
    const id = await start();
    const run = await w.runStatus(id, ['failed', 'succeeded']);
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('llm_unavailable');
    const analystRequests = openai.completionRequests.filter((r) =>
      JSON.stringify(r.responseFormat ?? '').includes('requirements'),
    );
    // Three step attempts (one try and two Retry), each with the SDK's own retry.
    expect(analystRequests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
