import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLocalMessages } from '../../../shared/adapters/local-queue-store.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { webhookExamples } from '../../support/webhook-examples.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
const examples = webhookExamples();

beforeAll(async () => {
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
});

describe('every @octokit/webhooks-examples payload', () => {
  it('covers the published set (329 payloads over 58 events)', () => {
    expect(examples).toHaveLength(329);
    expect(new Set(examples.map((e) => e.event)).size).toBe(58);
  });

  it('is accepted with a 2xx and ends processed or ignored, none failed', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < examples.length; i += 8) {
      const batch = examples.slice(i, i + 8);
      const responses = await Promise.all(
        batch.map((e, j) => postWebhook(runtime.url, e.event, e.payload, { deliveryId: `example-${i + j}` })),
      );
      statuses.push(...responses.map((r) => r.status));
    }
    expect(statuses.filter((s) => s < 200 || s >= 300)).toEqual([]);
    while ((await runtime.queues.pollOnce('intake')) > 0);

    const rows = await runtime.db
      .selectFrom('webhook_deliveries')
      .select(['delivery_id', 'event', 'status', 'error'])
      .execute();
    expect(rows).toHaveLength(examples.length);
    expect(rows.filter((r) => r.status === 'failed' || r.status === 'received')).toEqual([]);
    const processed = rows.filter((r) => r.status === 'processed').map((r) => r.event);
    // Events whose examples were sent to an installation are acted on (the workflow_run examples were not).
    for (const event of [
      'installation',
      'installation_repositories',
      'issues',
      'pull_request',
      'check_suite',
      'ping',
    ]) {
      expect(processed, event).toContain(event);
    }
    // Installation events kept organisations and repositories current.
    const orgs = await withSystem(runtime.db, (trx) => trx.selectFrom('orgs').select('login').execute());
    expect(orgs.length).toBeGreaterThan(0);
    const repos = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('repositories').select('full_name').execute(),
    );
    expect(repos.length).toBeGreaterThan(0);
  });

  it('queues validation for a completed workflow run sent to an installation', async () => {
    const example = examples.find((e) => e.event === 'workflow_run' && e.payload.action === 'completed');
    const payload = { ...structuredClone(example!.payload), installation: { id: 99 } };
    const before = (await countLocalMessages(runtime.db, 'validation')).visible;
    const res = await postWebhook(runtime.url, 'workflow_run', payload, {
      deliveryId: 'workflow-run-installed',
    });
    expect(res.status).toBe(202);
    await runtime.queues.pollOnce('intake');
    const row = await runtime.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'outcome'])
      .where('delivery_id', '=', 'workflow-run-installed')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'processed', outcome: 'workflow_run completed: validation queued' });
    expect((await countLocalMessages(runtime.db, 'validation')).visible).toBe(before + 1);
  });
});
