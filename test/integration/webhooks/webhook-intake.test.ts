import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countLocalMessages, listDeadLetters } from '../../../shared/adapters/local-queue-store.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, signBody, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;

const repository = {
  id: 1296269,
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  private: false,
  default_branch: 'main',
  owner: { id: 9919, login: 'octo-org', type: 'Organization' },
};

const issuePayload = (number: number, action = 'opened') => ({
  action,
  installation: { id: 42 },
  repository,
  issue: { number, title: `Issue ${number}`, state: 'open', user: { login: 'mona' }, html_url: 'https://x' },
  sender: { login: 'mona' },
});

async function deliveries() {
  return runtime.db.selectFrom('webhook_deliveries').selectAll().orderBy('received_at').execute();
}

async function objectKeys(prefix: string): Promise<string[]> {
  const s3 = createS3Client(getConfig());
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: getConfig().ASSAY_S3_BUCKET, Prefix: prefix }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

beforeAll(async () => {
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_WEBHOOK_INLINE_MAX_BYTES = String(64 * 1024);
  process.env.ASSAY_WEBHOOK_SWEEP_AFTER_SECONDS = '0';
  runtime = await startTestRuntime({
    autoStart: false,
    queueOverrides: { intake: { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 } },
  });
});

beforeEach(async () => {
  await sql`truncate webhook_deliveries`.execute(runtime.db);
  await sql`truncate assay_local.queue_messages`.execute(runtime.db);
});

afterAll(async () => {
  await runtime.dispose();
});

describe('POST /webhooks/github', () => {
  it('accepts a signed delivery (202), stores it, queues its id, and answers a repeat with 200', async () => {
    const deliveryId = randomUUID();
    const first = await postWebhook(runtime.url, 'issues', issuePayload(1), { deliveryId });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ status: 'accepted', deliveryId });
    const again = await postWebhook(runtime.url, 'issues', issuePayload(1), { deliveryId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', deliveryId });
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: 'issues',
      action: 'opened',
      installation_id: '42',
      status: 'received',
    });
    expect(rows[0]?.enqueued_at).not.toBeNull();
    expect(await countLocalMessages(runtime.db, 'intake')).toMatchObject({ visible: 1 });
  });

  it('stores one row and one message, and processes once, for 50 concurrent copies of a delivery', async () => {
    const deliveryId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postWebhook(runtime.url, 'issues', issuePayload(7), { deliveryId })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(await deliveries()).toHaveLength(1);
    expect(await countLocalMessages(runtime.db, 'intake')).toMatchObject({ visible: 1 });
    expect(await runtime.queues.pollOnce('intake')).toBe(1);
    const [row] = await deliveries();
    expect(row).toMatchObject({
      status: 'processed',
      attempts: 1,
      outcome: 'issue opened: checklist queued',
    });
    expect(await countLocalMessages(runtime.db, 'checklist')).toMatchObject({ visible: 1 });
    expect(await runtime.queues.pollOnce('intake')).toBe(0);
  });

  it('keeps a payload over the inline threshold in the object store and processes it from there', async () => {
    const payload = { ...issuePayload(8), padding: 'x'.repeat(100 * 1024) };
    const deliveryId = randomUUID();
    expect((await postWebhook(runtime.url, 'issues', payload, { deliveryId })).status).toBe(202);
    const [row] = await deliveries();
    expect(row?.payload).toBeNull();
    expect(row?.payload_key).toBe(`webhooks/${deliveryId}.json`);
    expect(await objectKeys('webhooks/')).toContain(`webhooks/${deliveryId}.json`);
    await runtime.queues.pollOnce('intake');
    expect((await deliveries())[0]?.status).toBe('processed');
  });

  it('rejects bad requests with 4xx and stores nothing', async () => {
    const body = JSON.stringify(issuePayload(3));
    const headers = (over: Record<string, string | undefined>) => {
      const base: Record<string, string> = {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signBody(body),
      };
      for (const [k, v] of Object.entries(over)) {
        if (v === undefined) delete base[k];
        else base[k] = v;
      }
      return base;
    };
    const truncated = body.slice(0, body.length / 2);
    const huge = Buffer.alloc(26 * 1024 * 1024, 'a');
    const cases: Array<{
      name: string;
      body: string | Buffer;
      headers: Record<string, string>;
      status: number;
    }> = [
      { name: 'no signature', body, headers: headers({ 'x-hub-signature-256': undefined }), status: 401 },
      {
        name: 'wrong signature',
        body,
        headers: headers({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }),
        status: 401,
      },
      {
        name: 'signature of another body',
        body,
        headers: headers({ 'x-hub-signature-256': signBody('{}') }),
        status: 401,
      },
      {
        name: 'signature with another secret',
        body,
        headers: headers({ 'x-hub-signature-256': signBody(body, 'nope') }),
        status: 401,
      },
      { name: 'sha1 signature', body, headers: headers({ 'x-hub-signature-256': 'sha1=abc' }), status: 401 },
      {
        name: 'truncated JSON',
        body: truncated,
        headers: headers({ 'x-hub-signature-256': signBody(truncated) }),
        status: 400,
      },
      {
        name: 'JSON array',
        body: '[1]',
        headers: headers({ 'x-hub-signature-256': signBody('[1]') }),
        status: 400,
      },
      {
        name: 'empty body',
        body: '',
        headers: headers({ 'x-hub-signature-256': signBody('') }),
        status: 400,
      },
      {
        name: 'form content type',
        body,
        headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }),
        status: 415,
      },
      { name: 'no content type', body, headers: headers({ 'content-type': undefined }), status: 415 },
      { name: 'no event header', body, headers: headers({ 'x-github-event': undefined }), status: 400 },
      { name: 'bad event header', body, headers: headers({ 'x-github-event': 'Issues; DROP' }), status: 400 },
      { name: 'no delivery header', body, headers: headers({ 'x-github-delivery': undefined }), status: 400 },
      {
        name: 'bad delivery header',
        body,
        headers: headers({ 'x-github-delivery': '../../etc' }),
        status: 400,
      },
      {
        name: '26 MB body',
        body: huge,
        headers: headers({ 'x-hub-signature-256': signBody(huge) }),
        status: 413,
      },
    ];
    for (const c of cases) {
      const res = await fetch(`${runtime.url}/webhooks/github`, {
        method: 'POST',
        headers: c.headers,
        body: c.body,
      });
      const envelope = (await res.json()) as { error: { code: string } };
      expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: c.status });
      expect(envelope.error.code, c.name).toBeTruthy();
    }
    expect(await deliveries()).toEqual([]);
    expect(await countLocalMessages(runtime.db, 'intake')).toEqual({ visible: 0, inFlight: 0, dead: 0 });
  });

  it('recovers a delivery whose enqueue failed through the sweeper', async () => {
    await sql`alter table assay_local.queue_messages rename to queue_messages_away`.execute(runtime.db);
    let res: Response;
    try {
      res = await postWebhook(runtime.url, 'issues', issuePayload(11));
    } finally {
      await sql`alter table assay_local.queue_messages_away rename to queue_messages`.execute(runtime.db);
    }
    expect(res.status).toBe(202);
    const [stored] = await deliveries();
    expect(stored).toMatchObject({ status: 'received', enqueued_at: null });
    expect(await countLocalMessages(runtime.db, 'intake')).toMatchObject({ visible: 0 });

    await runtime.scheduler.fire('sweep-webhook-deliveries');
    expect((await deliveries())[0]).toMatchObject({ sweeps: 1 });
    expect(await runtime.queues.pollOnce('intake')).toBe(1);
    expect((await deliveries())[0]).toMatchObject({ status: 'processed' });
    await runtime.scheduler.fire('sweep-webhook-deliveries');
    expect(await countLocalMessages(runtime.db, 'intake')).toMatchObject({ visible: 0 });
  });

  it('retries a delivery whose processing throws, records the error, then dead-letters it', async () => {
    const deliveryId = randomUUID();
    expect((await postWebhook(runtime.url, 'issues', issuePayload(12), { deliveryId })).status).toBe(202);
    await sql`alter table issues rename to issues_away`.execute(runtime.db);
    try {
      for (let i = 0; i < 4; i += 1) {
        await runtime.queues.pollOnce('intake');
        await new Promise((r) => setTimeout(r, 1_050));
      }
    } finally {
      await sql`alter table issues_away rename to issues`.execute(runtime.db);
    }
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row?.error).toMatch(/issues/);
    const dead = await listDeadLetters(runtime.db, 'intake');
    expect(dead.map((d) => JSON.parse(d.body))).toEqual([{ deliveryId }]);
  });
});
