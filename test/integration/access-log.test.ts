import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendLocalMessage } from '../../shared/adapters/local-queue-store.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const lines: string[] = [];
let runtime: TestRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime({ autoStart: false, accessLog: (line) => lines.push(line) });
}, 60_000);

afterAll(async () => {
  await runtime?.dispose();
});

/** How the log spells a duration: `12 ms` below a second, `2.6 s` from one up. */
const DURATION = String.raw`(?:\d+ ms|\d+\.\d s)`;

describe('the local runtime’s terminal log', () => {
  it('writes one short line per request: time, method, path, status, duration', async () => {
    await fetch(`${runtime.url}/health`);
    // An API path no route matches (other GET paths are console pages, served 200).
    await fetch(`${runtime.url}/api/no/such/route`);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d GET /health 200 ${DURATION}$`)),
      expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d GET /api/no/such/route 404 ${DURATION}$`)),
    ]);
  });

  it('writes one line per queue message, done or failed', async () => {
    lines.length = 0;
    await sendLocalMessage(runtime.db, 'intake', JSON.stringify({ deliveryId: 'not-recorded' }));
    await sendLocalMessage(runtime.db, 'intake', 'not json');
    expect(await runtime.queues.pollOnce('intake')).toBe(2);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^\\d\\d:\\d\\d:\\d\\d queue intake [0-9a-f-]{8} done ${DURATION}$`),
        ),
        expect.stringMatching(
          new RegExp(`^\\d\\d:\\d\\d:\\d\\d queue intake [0-9a-f-]{8} failed, receive 1 ${DURATION}$`),
        ),
      ]),
    );
  });
});
