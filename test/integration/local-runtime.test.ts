import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology as productTopology } from '../../infra/topology.ts';
import type { Topology } from '../../infra/topology.types.ts';
import { createS3Client } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const topology: Topology = {
  ...productTopology,
  routes: {
    ...productTopology.routes,
    'POST /echo': { handler: 'test/support/routes/echo.ts', auth: 'public', uses: [] },
  },
  queues: {
    uploads: {
      handler: 'test/support/consumers/s3-event-consumer.ts',
      uses: ['db'],
      batchSize: 5,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 2,
    },
  },
  bucketNotifications: [{ prefix: 'incoming/', suffix: '.xml', queue: 'uploads' }],
};

let runtime: TestRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime({ topology, maxBodyBytes: 1024 * 1024 });
  await sql`create table test_attempts (key text not null, receive_count int not null)`.execute(runtime.db);
});

afterAll(async () => {
  await runtime.dispose();
});

async function keys(db: Kysely<any>): Promise<string[]> {
  const rows = await db.selectFrom('test_attempts').select('key').execute();
  return rows.map((r) => r.key as string).sort();
}

describe('local runtime', () => {
  it('runs its database connection as the tables’ owner, which row-level security binds (as on Aurora)', async () => {
    expect(getConfig().ASSAY_DB_SESSION_ROLE).toBe('assay_owner');
    const { rows } = await sql<{
      role: string;
      superuser: boolean;
    }>`select current_user as role, rolsuper as superuser from pg_roles where rolname = current_user`.execute(
      runtime.db,
    );
    expect(rows).toEqual([{ role: 'assay_owner', superuser: false }]);
  });

  it('turns object-created events under a notified prefix into queue messages', async () => {
    const s3 = createS3Client(getConfig());
    const bucket = getConfig().ASSAY_S3_BUCKET;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'incoming/run 1/report.xml', Body: '<testsuites/>' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/notes.txt', Body: 'not xml' }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/report.xml', Body: '<testsuites/>' }),
    );
    const deadline = Date.now() + 10_000;
    while ((await keys(runtime.db)).length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    // Keys arrive URL-encoded, as in S3's own event notifications.
    expect(await keys(runtime.db)).toEqual(['incoming/run+1/report.xml']);
  });

  it('answers readiness with 503 naming the dependency that is down', async () => {
    await sql`alter table assay_local.queue_messages rename to queue_messages_away`.execute(runtime.db);
    try {
      const res = await fetch(`${runtime.url}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string; details: any } };
      expect(body.error.code).toBe('not_ready');
      expect(body.error.message).toBe('Not ready: queues unreachable');
      expect(body.error.details.checks.database.ok).toBe(true);
      expect(body.error.details.checks.objectStore.ok).toBe(true);
    } finally {
      await sql`alter table assay_local.queue_messages_away rename to queue_messages`.execute(runtime.db);
    }
    expect((await fetch(`${runtime.url}/health/ready`)).status).toBe(200);
  });

  it('refuses a body over the size limit with 413 before any handler runs', async () => {
    const small = await fetch(`${runtime.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(1000) }),
    });
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ length: 1000 });
    const big = await fetch(`${runtime.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('answers a known path with the wrong method with 405 in the envelope', async () => {
    const res = await fetch(`${runtime.url}/health`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  it('serves the docs assets from node_modules with their content types', async () => {
    const css = await fetch(`${runtime.url}/docs/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await css.text()).length).toBeGreaterThan(10_000);
    const unknown = await fetch(`${runtime.url}/docs/..%2F..%2Fpackage.json`);
    expect(unknown.status).toBe(400);
  });
});
