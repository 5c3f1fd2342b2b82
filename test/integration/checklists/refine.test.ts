import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExtractedItem } from '../../../shared/checklists/extract/index.ts';
import {
  createOpenAiClient,
  type OpenAiSetup,
  type RefineInput,
  refineCriteria,
} from '../../../shared/checklists/refine/index.ts';
import { loadConfig } from '../../../shared/config.ts';
import { DomainError } from '../../../shared/errors.ts';
import { FakeOpenAi } from '../../support/fake-openai/index.ts';

const MODEL = 'gpt-test-mini';

const extracted: ExtractedItem[] = [
  { text: 'User can sign in with email and password', source: 'section' },
  { text: 'An invalid email shows an error and the submit button is disabled', source: 'section' },
  {
    text: 'Scenario: Reset password Given a registered user When they ask for a reset link Then an email is sent',
    source: 'gherkin',
  },
  { text: 'Session expires after 30 minutes', source: 'tasklist', checked: true },
  { text: 'Session times out after 30 minutes of inactivity', source: 'tasklist', checked: true },
];

const input: RefineInput = {
  title: 'Sign-in page',
  body: [
    '## Acceptance criteria',
    '- User can sign in with email and password',
    '- An invalid email shows an error and the submit button is disabled',
    '',
    'A wrong password must show an error too.',
  ].join('\n'),
  extracted,
};

type OutItem = { text: string; origin: Record<string, unknown> };
const json = (items: OutItem[]) => JSON.stringify({ items });
const kept = (index: number, text = extracted[index - 1]!.text): OutItem => ({
  text,
  origin: { kind: 'extracted', index },
});

let fake: FakeOpenAi;
let openai: OpenAiSetup;

function configFor(env: Record<string, string>) {
  return loadConfig({ ASSAY_RUNTIME: 'local', ASSAY_LOG_LEVEL: 'SILENT', ...env });
}

async function clientFor(
  overrides: { baseUrl?: string; apiKey?: string; timeoutMs?: number; maxRetries?: number } = {},
) {
  const setup = await createOpenAiClient(
    configFor({
      ASSAY_OPENAI_BASE_URL: overrides.baseUrl ?? fake.baseUrl,
      ASSAY_OPENAI_API_KEY: overrides.apiKey ?? fake.apiKey,
      ASSAY_OPENAI_MODEL: MODEL,
    }),
    { timeoutMs: overrides.timeoutMs, maxRetries: overrides.maxRetries },
  );
  if (!setup) throw new Error('client not configured');
  return setup;
}

beforeAll(async () => {
  fake = await new FakeOpenAi().start();
  openai = await clientFor();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
});

describe('refineCriteria against the OpenAI double', () => {
  it('with the echoing default, keeps the extracted list and reports usage', async () => {
    const result = await refineCriteria(input, openai);
    expect(result).toMatchObject({ usedLlm: true, attempts: 1 });
    expect(result.error).toBeUndefined();
    expect(result.items).toEqual(extracted);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('splits, merges, rewords and adds items with the right sources', async () => {
    fake.enqueue(
      json([
        kept(1, 'User can sign in with their email and password'),
        { text: 'An invalid email shows an error', origin: { kind: 'split', indexes: [2] } },
        {
          text: 'The submit button is disabled while the email is invalid',
          origin: { kind: 'split', indexes: [2] },
        },
        kept(3),
        {
          text: 'The session expires after 30 minutes of inactivity',
          origin: { kind: 'merged', indexes: [4, 5] },
        },
        { text: 'A wrong password shows an error', origin: { kind: 'added' } },
      ]),
    );
    const result = await refineCriteria(input, openai);
    expect(result).toMatchObject({ usedLlm: true, attempts: 1 });
    expect(result.items).toEqual([
      { text: 'User can sign in with their email and password', source: 'section' },
      { text: 'An invalid email shows an error', source: 'llm' },
      { text: 'The submit button is disabled while the email is invalid', source: 'llm' },
      { text: extracted[2]!.text, source: 'gherkin' },
      { text: 'The session expires after 30 minutes of inactivity', source: 'llm', checked: true },
      { text: 'A wrong password shows an error', source: 'llm' },
    ]);
  });

  it('restores an author item the model dropped, verbatim with its source', async () => {
    fake.enqueue(json([kept(1), kept(2), kept(4), kept(5), { text: 'Extra', origin: { kind: 'added' } }]));
    const result = await refineCriteria(input, openai);
    expect(result.usedLlm).toBe(true);
    expect(result.items.map((i) => i.text)).toEqual([
      extracted[0]!.text,
      extracted[1]!.text,
      extracted[3]!.text,
      extracted[4]!.text,
      'Extra',
      extracted[2]!.text,
    ]);
    expect(result.items.at(-1)).toEqual(extracted[2]);
  });

  it('does not count out-of-range indexes as coverage; an empty list restores everything', async () => {
    fake.enqueue(json([{ text: 'Made up', origin: { kind: 'extracted', index: 99 } }]));
    const first = await refineCriteria(input, openai);
    expect(first.items).toEqual([{ text: 'Made up', source: 'llm' }, ...extracted]);

    fake.enqueue(json([]));
    const second = await refineCriteria(input, openai);
    expect(second).toMatchObject({ usedLlm: true, items: extracted });
  });

  it('dedupes normalized text, cuts long texts and caps the list without losing author items', async () => {
    const long = 'x'.repeat(800);
    const added = Array.from({ length: 300 }, (_, n) => ({
      text: `Added criterion ${n}`,
      origin: { kind: 'added' },
    }));
    fake.enqueue(
      json([
        kept(1),
        { text: 'user can sign in with EMAIL and password!', origin: { kind: 'added' } },
        { text: long, origin: { kind: 'added' } },
        ...added,
        kept(2),
        kept(3),
        kept(4),
        kept(5),
      ]),
    );
    const result = await refineCriteria(input, openai);
    expect(result.usedLlm).toBe(true);
    expect(result.items).toHaveLength(200);
    for (const item of extracted) expect(result.items).toContainEqual(item);
    expect(result.items.filter((i) => /sign in with email/i.test(i.text))).toHaveLength(1);
    const cut = result.items.find((i) => i.text.startsWith('xxx'));
    expect(cut?.text).toHaveLength(500);
    expect(cut?.text.endsWith('…')).toBe(true);
  });

  it('retries once after output that is not JSON, then succeeds', async () => {
    fake.enqueue(
      'Sure! Here are the criteria: {not json',
      json([kept(1), kept(2), kept(3), kept(4), kept(5)]),
    );
    const result = await refineCriteria(input, openai);
    expect(result).toMatchObject({ usedLlm: true, attempts: 2, items: extracted });
    expect(result.error).toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    // Both attempts are metered.
    expect(result.usage.promptTokens).toBe(
      fake.requests.length *
        Math.ceil(fake.requests[0]!.messages.map((m) => String(m.content)).join('\n').length / 4),
    );
  });

  it('keeps the extracted list after two invalid answers, with exactly two requests', async () => {
    fake.enqueue('not json', JSON.stringify({ items: [{ text: 'x', origin: { kind: 'rewritten' } }] }));
    const warnings: string[] = [];
    const log = { warn: (message: string) => void warnings.push(message) };
    const result = await refineCriteria(input, { ...openai, log });
    expect(warnings).toHaveLength(3);
    expect(result.usedLlm).toBe(false);
    expect(result.attempts).toBe(2);
    expect(result.items).toEqual(extracted);
    expect(result.error).toMatch(/invalid output after 2 attempts: schema violation at items\.0\.origin/);
    expect(fake.requests).toHaveLength(2);
    expect(fake.pending).toBe(0);
  });

  it('treats a refusal, empty content and a cut-off answer as invalid', async () => {
    fake.enqueue({ content: null, refusal: 'I cannot help with that.' }, { content: '' });
    const refused = await refineCriteria(input, openai);
    expect(refused).toMatchObject({ usedLlm: false, attempts: 2, items: extracted });
    expect(refused.error).toMatch(/empty content/);

    fake.enqueue({ content: '{"items": [', finishReason: 'length' }, { content: null, refusal: 'No.' });
    const cut = await refineCriteria(input, openai);
    expect(cut).toMatchObject({ usedLlm: false, attempts: 2 });
    expect(cut.error).toMatch(/refusal: No\./);
    expect(fake.requests).toHaveLength(4);
  });

  it.each([500, 429, 503])('falls back without throwing on HTTP %i (after the SDK retry)', async (status) => {
    const fast = { 'retry-after-ms': '5' };
    fake.enqueue({ status, headers: fast }, { status, headers: fast });
    const result = await refineCriteria(input, openai);
    expect(result).toMatchObject({ usedLlm: false, attempts: 1, items: extracted });
    expect(result.error).toMatch(new RegExp(`^API error ${status}`));
    expect(fake.requests).toHaveLength(2);
  });

  it('recovers when the SDK retry of a 429 succeeds', async () => {
    fake.enqueue({ status: 429, headers: { 'retry-after-ms': '5' } });
    const result = await refineCriteria(input, openai);
    expect(result).toMatchObject({ usedLlm: true, attempts: 1, items: extracted });
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back on a timeout and on a wrong API key', async () => {
    const impatient = await clientFor({ timeoutMs: 150, maxRetries: 0 });
    fake.enqueue({ content: json([]), delayMs: 1000 });
    const timedOut = await refineCriteria(input, impatient);
    expect(timedOut).toMatchObject({ usedLlm: false, attempts: 1, items: extracted });
    expect(timedOut.error).toMatch(/timed out/i);

    const wrongKey = await clientFor({ apiKey: 'sk-wrong' });
    const unauthorized = await refineCriteria(input, wrongKey);
    expect(unauthorized).toMatchObject({ usedLlm: false, items: extracted });
    expect(unauthorized.error).toMatch(/^API error 401/);
    expect(fake.requests.at(-1)?.authorized).toBe(false);
  });

  it('sends a strict JSON schema generated from zod in response_format', async () => {
    await refineCriteria(input, openai);
    const format = fake.requests[0]!.responseFormat as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
    };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.name).toBe('acceptance_criteria');
    const objects: Record<string, unknown>[] = [];
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const child of node) visit(child);
        return;
      }
      const schema = node as Record<string, unknown>;
      if (schema.type === 'object') objects.push(schema);
      for (const child of Object.values(schema)) visit(child);
    };
    visit(format.json_schema.schema);
    expect(objects.length).toBeGreaterThanOrEqual(4);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect([...(object.required as string[])].sort()).toEqual(
        Object.keys(object.properties as Record<string, unknown>).sort(),
      );
    }
    const origin = (
      format.json_schema.schema.properties as Record<
        string,
        { items: { properties: Record<string, unknown> } }
      >
    ).items!.items.properties.origin as { anyOf: unknown[] };
    expect(origin.anyOf).toHaveLength(3);
  });

  it('sends the model, a system prompt, and the title, body and numbered items', async () => {
    await refineCriteria(input, openai);
    const request = fake.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.model).toBe(MODEL);
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(String(request.messages[0]!.content)).toMatch(/acceptance criteria/i);
    expect(String(request.messages[0]!.content)).toMatch(/never invent/i);
    const user = String(request.messages[1]!.content);
    expect(user).toContain('Sign-in page');
    expect(user).toContain('A wrong password must show an error too.');
    extracted.forEach((item, i) => {
      expect(user).toContain(`${i + 1}. ${item.text}`);
    });
  });

  it('truncates a long body to about 12,000 characters', async () => {
    const body = `${'a'.repeat(11_990)}TAIL-MARKER${'b'.repeat(50_000)}`;
    await refineCriteria({ title: 'Big', body, extracted: [] }, openai);
    const user = String(fake.requests[0]!.messages[1]!.content);
    expect(user).not.toContain('TAIL-MARKER');
    expect(user).toContain('[… body truncated]');
    expect(user.length).toBeLessThan(12_500);
  });

  it('works with a base URL without /v1', async () => {
    const root = await clientFor({ baseUrl: fake.rootUrl });
    const result = await refineCriteria(input, root);
    expect(result.usedLlm).toBe(true);
    expect(fake.requests[0]!.path).toBe('/chat/completions');
  });

  it('makes no call for an empty issue', async () => {
    const result = await refineCriteria({ title: ' ', body: null, extracted: [] }, openai);
    expect(result).toEqual({
      items: [],
      usedLlm: false,
      attempts: 0,
      usage: { promptTokens: 0, completionTokens: 0 },
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createOpenAiClient', () => {
  const awsEnv = {
    ASSAY_RUNTIME: 'aws',
    ASSAY_DB_HOST: 'db.example',
    ASSAY_DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:db',
    ASSAY_S3_BUCKET: 'bucket',
  };

  it('is undefined when neither a key nor a base URL is configured', async () => {
    expect(await createOpenAiClient(configFor({}))).toBeUndefined();
    const notConfigured = async () => {
      throw new DomainError('not_configured', 'Secret openai is not configured');
    };
    expect(await createOpenAiClient(loadConfig(awsEnv), { readSecret: notConfigured })).toBeUndefined();
  });

  it('reads the key from the app secret on AWS and rethrows other secret errors', async () => {
    const setup = await createOpenAiClient(
      loadConfig({ ...awsEnv, ASSAY_OPENAI_BASE_URL: fake.baseUrl, ASSAY_OPENAI_MODEL: MODEL }),
      { readSecret: async () => fake.apiKey },
    );
    expect(setup?.model).toBe(MODEL);
    expect(setup?.client.timeout).toBe(20_000);
    expect(setup?.client.maxRetries).toBe(1);
    const result = await refineCriteria(input, setup!);
    expect(result.usedLlm).toBe(true);
    expect(fake.requests[0]!.authorized).toBe(true);

    const broken = async (): Promise<string> => {
      throw new Error('Secrets Manager unavailable');
    };
    await expect(createOpenAiClient(loadConfig(awsEnv), { readSecret: broken })).rejects.toThrow(
      /unavailable/,
    );
  });

  it('uses the default OpenAI endpoint with only a key, and a placeholder key with only a base URL', async () => {
    const keyOnly = await createOpenAiClient(configFor({ ASSAY_OPENAI_API_KEY: 'sk-x' }));
    expect(keyOnly?.client.baseURL).toBe('https://api.openai.com/v1');
    expect(keyOnly?.model).toBe('gpt-4o-mini');
    const urlOnly = await createOpenAiClient(configFor({ ASSAY_OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }));
    expect(urlOnly?.client.baseURL).toBe('http://127.0.0.1:1/v1');
    expect(urlOnly?.client.apiKey).toBe('no-key');
  });
});
