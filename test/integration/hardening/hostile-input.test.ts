import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { type SeededOrg, seedOrgWithMembers, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, signBody, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let acme: SeededOrg;

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  runtime = await startTestRuntime({ autoStart: false });
  acme = await seedOrgWithMembers(runtime.db, 'acme', { owner: 'owner' });
});

afterAll(async () => {
  await runtime.dispose();
});

/** A raw request with a JSON body written as is (so `\ud800` escapes reach the server unchanged). */
async function send(method: string, path: string, rawJson?: string) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${acme.as.owner!}`,
      ...(rawJson === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: rawJson,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; details: unknown } },
  };
}

function expectFieldRefused(answer: Awaited<ReturnType<typeof send>>, field: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('validation_failed');
  expect(answer.body.error.details).toEqual(
    expect.arrayContaining([{ path: field, message: expect.stringContaining('NUL') }]),
  );
}

describe('API input with NUL or a lone surrogate is a 400 naming the field, before any lookup', () => {
  it('refuses them in path parameters, query parameters and bodies', async () => {
    expectFieldRefused(await send('GET', '/api/v1/orgs/%00/members'), 'params.org');
    // A percent-encoded surrogate is not UTF-8 at all: the path itself is refused.
    const encodedSurrogate = await send('GET', '/api/v1/orgs/%ED%A0%80x/members');
    expect(encodedSurrogate.status).toBe(400);
    expect(encodedSurrogate.body.error.code).toBe('bad_request');
    expectFieldRefused(await send('GET', '/api/v1/orgs/acme/audit-events?actor=%00'), 'query.actor');
    expectFieldRefused(
      await send('GET', '/api/v1/repos/acme/widgets/code-health?branch=%00'),
      'query.branch',
    );
    expectFieldRefused(
      await send('POST', '/api/v1/orgs/acme/api-tokens', '{"name":"ci\\u0000bot","role":"viewer"}'),
      'body.name',
    );
    expectFieldRefused(
      await send('POST', '/api/v1/repos/acme/widgets/pulls/1/flag-for-merge', '{"reason":"\\ud800"}'),
      'body.reason',
    );
    expectFieldRefused(
      await send('POST', '/api/v1/repos/acme/widgets/pulls/1/flag-for-merge', '{"reason":"a\\udc00b"}'),
      'body.reason',
    );
  });

  it('still accepts well-formed text, surrogate pairs included', async () => {
    const created = await callApi(runtime.url, acme.as.owner!, 'POST', '/orgs/acme/api-tokens', {
      name: 'deploy 🚀 bot',
      role: 'viewer',
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('deploy 🚀 bot');
  });
});

async function deliver(event: string, payload: unknown): Promise<{ status: string; outcome: string | null }> {
  const deliveryId = crypto.randomUUID();
  const response = await postWebhook(runtime.url, event, payload, { deliveryId });
  expect(response.status).toBe(202);
  while ((await runtime.queues.pollOnce('intake')) > 0);
  const row = await withSystem(runtime.db, (trx) =>
    trx
      .selectFrom('webhook_deliveries')
      .select(['status', 'outcome', 'action'])
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirstOrThrow(),
  );
  return row;
}

const repository = {
  id: 7001,
  name: 'widgets',
  full_name: 'hostile/widgets',
  owner: { id: 7000, login: 'hostile', type: 'Organization' },
};

describe('third-party content with NUL, lone surrogates or out-of-range values finishes every delivery', () => {
  it('records a signed webhook whose action contains NUL, with U+FFFD in its place', async () => {
    const deliveryId = crypto.randomUUID();
    const body = '{"action":"open\\u0000ed\\ud800","zen":"x"}';
    const response = await fetch(`${runtime.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signBody(body),
      },
      body,
    });
    expect(response.status).toBe(202);
    const row = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('webhook_deliveries')
        .select('action')
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirst(),
    );
    expect(row?.action).toBe('open\uFFFDed\uFFFD');
  });

  it('stores NUL and lone surrogates in a title, login and head ref as U+FFFD, and processes the delivery', async () => {
    const issue = await deliver('issues', {
      action: 'opened',
      installation: { id: 7100 },
      repository,
      issue: {
        number: 5,
        title: 'Crash\u0000 on \ud800save',
        state: 'open',
        user: { login: 'mal\u0000lory' },
      },
    });
    expect(issue.status).toBe('processed');
    const pull = await deliver('pull_request', {
      action: 'opened',
      installation: { id: 7100 },
      repository,
      pull_request: {
        number: 6,
        title: 'Fix\u0000',
        state: 'open',
        head: { sha: 'a'.repeat(40), ref: 'feature/\u0000\udfff' },
        base: { ref: 'main' },
      },
    });
    expect(pull.status).toBe('processed');
    const stored = await withSystem(runtime.db, async (trx) => ({
      issue: await trx
        .selectFrom('issues')
        .select(['title', 'author'])
        .where('number', '=', 5)
        .executeTakeFirst(),
      pull: await trx
        .selectFrom('pull_requests')
        .select(['title', 'head_ref'])
        .where('number', '=', 6)
        .executeTakeFirst(),
    }));
    expect(stored.issue).toEqual({ title: 'Crash\uFFFD on \uFFFDsave', author: 'mal\uFFFDlory' });
    expect(stored.pull).toEqual({ title: 'Fix\uFFFD', head_ref: 'feature/\uFFFD\uFFFD' });
  });

  it('ignores, with the reason, an issue number past the integer column and an unparseable merged_at', async () => {
    const big = await deliver('issues', {
      action: 'opened',
      installation: { id: 7100 },
      repository,
      issue: { number: 2 ** 31, title: 'Too big', state: 'open' },
    });
    expect(big.status).toBe('ignored');
    expect(big.outcome).toMatch(/issue\.number is invalid/);
    const merged = await deliver('pull_request', {
      action: 'closed',
      installation: { id: 7100 },
      repository,
      pull_request: {
        number: 7,
        title: 'x',
        state: 'closed',
        merged: true,
        merged_at: 'yesterday-ish',
        head: { sha: 'b'.repeat(40), ref: 'x' },
        base: { ref: 'main' },
      },
    });
    expect(merged.status).toBe('ignored');
    expect(merged.outcome).toMatch(/pull_request\.merged_at is invalid/);
    // Nothing was left for a retry or the dead-letter queue.
    const unfinished = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries
      where status in ('received', 'failed')`.execute(runtime.db);
    expect(unfinished.rows[0]?.n).toBe(0);
  });
});
