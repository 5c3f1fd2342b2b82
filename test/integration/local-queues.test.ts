import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../infra/topology.types.ts';
import {
  countLocalMessages,
  listDeadLetters,
  receiveLocalMessages,
  redriveDeadLetters,
  sendLocalMessage,
} from '../../shared/adapters/local-queue-store.ts';
import { freshDataDir } from '../support/test-database.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const topology: Topology = {
  routes: { 'GET /health': { handler: 'functions/api/get-health.ts', auth: 'public', uses: [] } },
  queues: {
    work: {
      handler: 'test/support/consumers/recording-consumer.ts',
      uses: ['db'],
      batchSize: 10,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 3,
    },
  },
  bucketNotifications: [],
  stateMachines: {},
  schedules: {},
};
// One second of visibility keeps retries quick; semantics are unchanged.
const overrides = { work: { visibilityTimeoutSeconds: 1 } };

const data = freshDataDir();
let runtime: TestRuntime | undefined;

async function start(autoStart = false): Promise<TestRuntime> {
  runtime = await startTestRuntime({ topology, dataDir: data.dir, queueOverrides: overrides, autoStart });
  await sql`create table if not exists test_attempts (key text not null, receive_count int not null, at timestamptz default now())`.execute(
    runtime.db,
  );
  return runtime;
}

async function attempts(db: Kysely<any>, key?: string): Promise<{ key: string; receive_count: number }[]> {
  let query = db.selectFrom('test_attempts').select(['key', 'receive_count']).orderBy('at');
  if (key) query = query.where('key', '=', key);
  return query.execute();
}

const send = (db: Kysely<any>, key: string, behaviour: 'ok' | 'fail') =>
  sendLocalMessage(db, 'work', JSON.stringify({ key, behaviour }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

beforeAll(async () => {
  await start();
});

afterEach(async () => {
  if (runtime) await sql`truncate test_attempts`.execute(runtime.db);
  if (runtime) await sql`truncate assay_local.queue_messages`.execute(runtime.db);
});

afterAll(async () => {
  await runtime?.stop();
  data.remove();
});

describe('local queues (SQS semantics)', () => {
  it('retries a message that keeps failing exactly maxReceiveCount times, then dead-letters it', async () => {
    const rt = runtime!;
    await send(rt.db, 'doomed', 'fail');
    for (let i = 0; i < 6; i += 1) {
      await rt.queues.pollOnce('work');
      await sleep(1_050);
    }
    expect((await attempts(rt.db)).map((a) => a.receive_count)).toEqual([1, 2, 3]);
    const dead = await listDeadLetters(rt.db, 'work');
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual({ key: 'doomed', behaviour: 'fail' });
    expect(dead[0]!.receiveCount).toBe(3);
    // The message's own error, not a placeholder (the consumer reports it with its batch failure).
    expect(dead[0]!.lastError).toBe('Error: failing doomed');

    expect(await redriveDeadLetters(rt.db, 'work')).toBe(1);
    expect(await countLocalMessages(rt.db, 'work')).toMatchObject({ visible: 1, dead: 0 });
    await rt.queues.pollOnce('work');
    expect(await attempts(rt.db)).toHaveLength(4);
  });

  it('retries only the failed message of a batch of 10', async () => {
    const rt = runtime!;
    for (let i = 0; i < 10; i += 1) await send(rt.db, `m${i}`, i === 4 ? 'fail' : 'ok');
    expect(await rt.queues.pollOnce('work')).toBe(10);
    expect(await countLocalMessages(rt.db, 'work')).toEqual({ visible: 0, inFlight: 1, dead: 0 });
    await sleep(1_050);
    expect(await rt.queues.pollOnce('work')).toBe(1);
    const all = await attempts(rt.db);
    expect(all).toHaveLength(11);
    expect(all.filter((a) => a.key === 'm4').map((a) => a.receive_count)).toEqual([1, 2]);
    for (let i = 0; i < 10; i += 1) if (i !== 4) expect(all.filter((a) => a.key === `m${i}`)).toHaveLength(1);
  });

  it('brings back a message whose consumer died in flight once its visibility timeout passes, even across a restart', async () => {
    let rt = runtime!;
    await send(rt.db, 'orphan', 'ok');
    // A consumer takes the message and dies before deleting it.
    const taken = await receiveLocalMessages(rt.db, 'work', {
      max: 10,
      visibilityTimeoutMs: 1_000,
      maxReceiveCount: 3,
    });
    expect(taken).toHaveLength(1);
    expect(await rt.queues.pollOnce('work')).toBe(0);
    await rt.stop();

    rt = await start(true);
    await until(async () => (await attempts(rt.db, 'orphan')).length === 1);
    expect((await attempts(rt.db, 'orphan'))[0]?.receive_count).toBe(2);
    await until(async () => (await countLocalMessages(rt.db, 'work')).inFlight === 0);
    expect(await countLocalMessages(rt.db, 'work')).toEqual({ visible: 0, inFlight: 0, dead: 0 });
  });

  it('keeps queued messages across a restart of the runtime', async () => {
    let rt = runtime!;
    await rt.queues.stop();
    for (let i = 0; i < 5; i += 1) await send(rt.db, `kept${i}`, 'ok');
    await rt.stop();

    rt = await start(true);
    await until(async () => (await attempts(rt.db)).length === 5);
    expect((await attempts(rt.db)).map((a) => a.key).sort()).toEqual([
      'kept0',
      'kept1',
      'kept2',
      'kept3',
      'kept4',
    ]);
  });
});
