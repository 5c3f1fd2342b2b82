import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AgentOutputError,
  type AnalystIssue,
  BudgetExceededError,
  type CrawlFacts,
  type LlmRequest,
  LlmUnavailableError,
  type Requirement,
  type RetrievedChunk,
  type TestCase,
} from '../../../../shared/agents/agents.types.ts';
import { callStructured, createLlmProvider, OFFLINE_MODEL } from '../../../../shared/agents/llm/index.ts';
import { runAnalyst } from '../../../../shared/agents/stages/analyst.ts';
import { runAutomation } from '../../../../shared/agents/stages/automation.ts';
import { loadConfig } from '../../../../shared/config.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../../../support/fake-openai/index.ts';
import { recordingContext } from './stage-context.ts';

// The OpenAI-compatible provider and callStructured against the OpenAI double on 127.0.0.1.
const MODEL = 'gpt-test-agents';
let fake: FakeOpenAi;

function configFor(env: Record<string, string>) {
  return loadConfig({ ASSAY_RUNTIME: 'local', ASSAY_LOG_LEVEL: 'SILENT', ...env });
}

function provider(deps: { timeoutMs?: number; maxRetries?: number } = {}) {
  return createLlmProvider(
    configFor({
      ASSAY_OPENAI_BASE_URL: fake.baseUrl,
      ASSAY_OPENAI_API_KEY: fake.apiKey,
      ASSAY_OPENAI_MODEL: MODEL,
    }),
    { maxRetries: 0, ...deps },
  );
}

const schema = z.object({ answer: z.string().min(1), count: z.number().int().min(0) }).strict();
const request = (
  overrides: Partial<LlmRequest<z.infer<typeof schema>>> = {},
): LlmRequest<z.infer<typeof schema>> => ({
  stage: 'analyst',
  promptId: 'analyst',
  promptVersion: '1',
  system: 'You answer with JSON.',
  user: 'Count the apples.',
  schema,
  schemaName: 'apples',
  input: {},
  maxOutputTokens: 500,
  ...overrides,
});

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

describe('callStructured with the OpenAI-compatible provider', () => {
  it('sends a strict json_schema response format and returns the validated answer with its usage', async () => {
    fake.enqueue({
      content: '{"answer":"three","count":3}',
      usage: { prompt_tokens: 41, completion_tokens: 9 },
    });
    const { ctx, calls, reservations } = recordingContext(await provider());
    await expect(callStructured(ctx, request())).resolves.toEqual({ answer: 'three', count: 3 });
    const sent = fake.completionRequests[0]!;
    expect(sent.model).toBe(MODEL);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You answer with JSON.' },
      { role: 'user', content: 'Count the apples.' },
    ]);
    expect(sent.responseFormat).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'apples',
        strict: true,
        schema: { required: ['answer', 'count'], additionalProperties: false },
      },
    });
    expect(sent.body?.max_completion_tokens).toBe(500);
    expect(reservations).toHaveLength(1);
    expect(reservations[0]).toBeGreaterThan(500);
    expect(calls).toEqual([
      expect.objectContaining({
        stage: 'analyst',
        model: MODEL,
        promptId: 'analyst',
        promptVersion: '1',
        attempt: 1,
        outcome: 'ok',
        usage: { promptTokens: 41, completionTokens: 9, totalTokens: 50 },
      }),
    ]);
  });

  it('retries an invalid answer once with the validation errors in the conversation', async () => {
    fake.enqueue('{"answer":"","count":-1}', '{"answer":"two","count":2}');
    const { ctx, calls } = recordingContext(await provider());
    await expect(callStructured(ctx, request())).resolves.toEqual({ answer: 'two', count: 2 });
    const retry = fake.completionRequests[1]!;
    expect(retry.messages).toHaveLength(4);
    expect(retry.messages[2]).toEqual({ role: 'assistant', content: '{"answer":"","count":-1}' });
    expect(retry.messages[3]?.content).toMatch(/answer: .*\n- count: /);
    expect(calls.map((c) => [c.attempt, c.outcome])).toEqual([
      [1, 'invalid'],
      [2, 'ok'],
    ]);
    expect(calls[0]?.error).toContain('count');
  });

  it('fails with AgentOutputError after two garbage answers, both metered', async () => {
    fake.enqueue('Sure! Here are the apples: three', '```json\n{"answer": "three"}\n```');
    const { ctx, calls } = recordingContext(await provider());
    const error = await callStructured(ctx, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentOutputError);
    expect((error as AgentOutputError).name).toBe('AgentOutputError');
    expect((error as Error).message).toMatch(
      /analyst agent's output stayed invalid after 2 attempts: the output is not JSON/,
    );
    expect(calls.map((c) => c.outcome)).toEqual(['invalid', 'invalid']);
    expect(calls.every((c) => c.usage.totalTokens > 0)).toBe(true);
    expect(fake.completionRequests).toHaveLength(2);
  });

  it('turns a timeout into LlmUnavailableError and records the failed call', async () => {
    fake.enqueue({ content: '{"answer":"late","count":1}', delayMs: 1500 });
    const { ctx, calls } = recordingContext(await provider({ timeoutMs: 200 }));
    const error = await callStructured(ctx, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect((error as Error).message).toBe('the LLM request timed out');
    expect(calls).toEqual([
      expect.objectContaining({ outcome: 'error', attempt: 1, error: 'the LLM request timed out' }),
    ]);
  });

  it('lets the SDK retry a 500 and a 429, and reports the status when they persist', async () => {
    fake.enqueue(
      { status: 500 },
      { status: 429, headers: { 'retry-after-ms': '5' } },
      '{"answer":"ok","count":0}',
    );
    const { ctx } = recordingContext(await provider({ maxRetries: 2 }));
    await expect(callStructured(ctx, request())).resolves.toEqual({ answer: 'ok', count: 0 });
    expect(fake.completionRequests).toHaveLength(3);

    fake.reset();
    fake.enqueue(
      { status: 429, headers: { 'retry-after-ms': '5' } },
      { status: 429, headers: { 'retry-after-ms': '5' } },
    );
    const second = recordingContext(await provider({ maxRetries: 1 }));
    const error = await callStructured(second.ctx, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect((error as Error).message).toMatch(/HTTP 429/);
    expect(second.calls.map((c) => c.outcome)).toEqual(['error']);
  });

  it('reports a refusal and a truncated answer clearly, with the tokens they used', async () => {
    fake.enqueue({
      content: null,
      refusal: 'I cannot help with apples.',
      usage: { prompt_tokens: 30, completion_tokens: 6 },
    });
    const first = recordingContext(await provider());
    const refusal = await callStructured(first.ctx, request()).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(LlmUnavailableError);
    expect((refusal as Error).message).toBe('the model refused: I cannot help with apples.');
    expect(first.calls[0]).toMatchObject({ outcome: 'error', usage: { totalTokens: 36 } });

    fake.enqueue({
      content: '{"answer":"thr',
      finishReason: 'length',
      usage: { prompt_tokens: 30, completion_tokens: 500 },
    });
    const second = recordingContext(await provider());
    const cut = await callStructured(second.ctx, request()).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(LlmUnavailableError);
    expect((cut as Error).message).toBe('the output was cut at the token limit (500 tokens)');
    expect(second.calls[0]).toMatchObject({ outcome: 'error', usage: { completionTokens: 500 } });
  });

  it('asks nothing when the budget cannot cover the call', async () => {
    const { ctx, calls } = recordingContext(await provider(), { budget: 0 });
    await expect(callStructured(ctx, request())).rejects.toBeInstanceOf(BudgetExceededError);
    expect(fake.completionRequests).toHaveLength(0);
    expect(calls).toHaveLength(0);
  });
});

describe('createLlmProvider', () => {
  it('is the offline provider without key and base URL, the OpenAI one otherwise', async () => {
    const offline = await createLlmProvider(configFor({}));
    expect(offline).toMatchObject({ name: 'offline', model: OFFLINE_MODEL });
    const online = await createLlmProvider(
      configFor({ ASSAY_OPENAI_BASE_URL: fake.baseUrl, ASSAY_OPENAI_MODEL: MODEL }),
    );
    expect(online).toMatchObject({ name: 'openai', model: MODEL });
  });
});

describe('the analyst with a model that cites what it was not given', () => {
  const chunk: RetrievedChunk = {
    documentId: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10',
    chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    documentName: 'spec.md',
    headings: [],
    text: 'Passwords must have at least 8 characters.',
    score: 1,
  };
  const issue: AnalystIssue = {
    repository: 'acme/shop',
    number: 7,
    title: 'Sign in',
    body: '',
    criteria: [{ tid: 'T5', text: 'A customer can sign in' }],
  };
  const answer = (sources: unknown[], tid = 'T5') =>
    JSON.stringify({
      requirements: [
        {
          id: 'R1',
          title: 'Sign in',
          description: 'Customers sign in.',
          acceptanceCriteria: [
            { text: 'A customer can sign in', tid },
            { text: 'Passwords have at least 8 characters', tid: null },
          ],
          sources,
        },
      ],
    });

  it('treats an unknown chunk or TID as invalid output, feeds the problems back, and converts null TIDs', async () => {
    fake.enqueue(
      answer([{ documentId: chunk.documentId, chunkId: '11111111-2222-4333-8444-555555555555' }], 'T99'),
      answer([
        { issue: 7, tid: 'T5' },
        { documentId: chunk.documentId, chunkId: chunk.chunkId },
      ]),
    );
    const { ctx, calls } = recordingContext(await provider());
    const requirements = await runAnalyst(ctx, { issues: [issue], chunks: [chunk] });
    expect(requirements[0]?.acceptanceCriteria).toEqual([
      { text: 'A customer can sign in', tid: 'T5' },
      { text: 'Passwords have at least 8 characters' },
    ]);
    const feedback = fake.completionRequests[1]?.messages[3]?.content ?? '';
    expect(feedback).toContain('chunk 11111111-2222-4333-8444-555555555555');
    expect(feedback).toContain('T99 is not a criterion of the given issues');
    expect(feedback).toContain('criterion T5 of issue #7 is missing');
    expect(calls.map((c) => c.outcome)).toEqual(['invalid', 'ok']);
    // The strict schema the model was given makes the proposed criterion's TID nullable, not optional.
    const format = fake.completionRequests[0]?.responseFormat as { json_schema: { schema: unknown } };
    expect(JSON.stringify(format.json_schema.schema)).toContain('"null"');
  });
});

describe('the automation engineer with a model that invents a selector', () => {
  const crawl: CrawlFacts = {
    crawlId: 'c-1',
    startUrl: 'http://127.0.0.1:9/',
    pages: [
      {
        url: 'http://127.0.0.1:9/signin',
        title: 'Sign in',
        headings: [],
        links: [],
        forms: [
          {
            locator: null,
            fields: [
              {
                label: 'Email',
                name: 'email',
                type: 'email',
                required: true,
                locator: "getByRole('textbox', { name: 'Email' })",
              },
            ],
            submit: { text: 'Sign in', locator: "getByRole('button', { name: 'Sign in' })" },
          },
        ],
        buttons: [],
      },
    ],
  };
  const requirement: Requirement = {
    id: 'R1',
    title: 'Sign in',
    description: '',
    acceptanceCriteria: [{ text: 'An empty email is rejected', tid: 'T4' }],
    sources: [],
  };
  const testCase: TestCase = {
    requirementId: 'R1',
    criterionIndex: 0,
    tid: 'T4',
    title: 'rejects an empty email',
    preconditions: [],
    steps: [{ action: 'Press “Sign in”', expected: 'The form is not sent' }],
    priority: 'high',
    type: 'negative',
  };
  const file = (locator: string) =>
    JSON.stringify({
      path: 'tests/r1-sign-in.spec.ts',
      content: `import { expect, test } from '@playwright/test';\ntest.use({ baseURL: 'http://127.0.0.1:9/' });\ntest('T4::rejects an empty email', async ({ page }) => {\n  await page.goto('/signin');\n  await page.${locator}.click();\n  await expect(page).toHaveURL('http://127.0.0.1:9/signin');\n});\n`,
    });

  it('is told which locator the crawl lacks, and the file it returns carries TIDs and locators read from the code', async () => {
    fake.enqueue(file("locator('button.primary')"), file('getByRole("button", { name: "Sign in" })'));
    const { ctx, calls } = recordingContext(await provider());
    const [out] = await runAutomation(ctx, { requirement, testCases: [testCase], crawl });
    expect(out).toMatchObject({
      requirementId: 'R1',
      path: 'tests/r1-sign-in.spec.ts',
      tids: ['T4'],
      locators: ["getByRole('button', { name: 'Sign in' })"],
    });
    expect(fake.completionRequests[0]?.messages[1]?.content).toContain(
      "getByRole('textbox', { name: 'Email' })",
    );
    expect(fake.completionRequests[1]?.messages[3]?.content).toContain(
      "the locator locator('button.primary') is acted on but was not recorded by the crawl",
    );
    expect(calls.map((c) => [c.stage, c.promptId, c.outcome])).toEqual([
      ['automation', 'automation', 'invalid'],
      ['automation', 'automation', 'ok'],
    ]);
  });

  it('refuses hostile code as invalid output with the precise reasons, twice, and runs none of it', async () => {
    const hostile = (body: string) =>
      JSON.stringify({
        path: 'tests/r1-sign-in.spec.ts',
        content: `import { expect, test } from '@playwright/test';\nimport { execSync } from 'node:child_process';\ntest('T4::rejects an empty email', async ({ page }) => {\n  ${body}\n  await page.goto('/signin');\n  await expect(page).toHaveURL('/signin');\n});\n`,
      });
    fake.enqueue(
      hostile("execSync('env > /tmp/leak');"),
      hostile("const F = (async () => {})['constr' + 'uctor']; await F('return process')().env;"),
    );
    const { ctx, calls } = recordingContext(await provider());
    const error = await runAutomation(ctx, { requirement, testCases: [testCase], crawl }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentOutputError);
    const feedback = String(fake.completionRequests[1]?.messages[3]?.content);
    expect(feedback).toContain("imports 'node:child_process': only '@playwright/test' may be imported");
    expect(calls.map((c) => c.outcome)).toEqual(['invalid', 'invalid']);
    expect(calls[1]?.error).toContain('computed property access needs a literal key');
  });
});
