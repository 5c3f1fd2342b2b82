import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAfterMs, withRetries } from '../../../scripts/cli/upload/retry.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('Sun, 29 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
  });
});

// A real server answering a script of statuses, so withRetries runs over real fetch.
let server: Server;
let url = '';
let script: { status: number; headers?: Record<string, string> }[] = [];
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    const step = script[hits] ?? { status: 200 };
    hits += 1;
    res.writeHead(step.status, step.headers ?? {}).end(`answer ${hits}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function run(steps: typeof script, policy: Parameters<typeof withRetries>[1] = {}) {
  script = steps;
  hits = 0;
  const waits: number[] = [];
  const result = withRetries(() => fetch(url), {
    ...policy,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { result, waits };
}

describe('withRetries', () => {
  it('waits what Retry-After asks (seconds, then an HTTP date) and returns the success', async () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    const { result, waits } = run(
      [
        { status: 429, headers: { 'retry-after': '3' } },
        { status: 503, headers: { 'retry-after': 'Sun, 29 Nov 2026 12:00:02 GMT' } },
      ],
      { now: () => now },
    );
    const outcome = await result;
    expect('response' in outcome && outcome.response.status).toBe(200);
    expect(outcome.attempts).toBe(3);
    expect(waits).toEqual([3000, 2000]);
  });

  it('backs off exponentially with jitter when no Retry-After is given, capped at maxDelayMs', async () => {
    const { result, waits } = run([{ status: 500 }, { status: 502 }, { status: 504 }, { status: 500 }], {
      baseDelayMs: 1000,
      maxDelayMs: 5000,
    });
    await result;
    expect(waits).toHaveLength(4);
    expect(waits[0]).toBeGreaterThanOrEqual(750);
    expect(waits[0]).toBeLessThanOrEqual(1250);
    expect(waits[1]).toBeGreaterThanOrEqual(1500);
    expect(waits[1]).toBeLessThanOrEqual(2500);
    expect(waits[2]).toBeGreaterThanOrEqual(3000);
    expect(waits[3]).toBe(5000);
  });

  it('caps a long Retry-After at maxDelayMs', async () => {
    const { result, waits } = run([{ status: 429, headers: { 'retry-after': '3600' } }], {
      maxDelayMs: 30_000,
    });
    await result;
    expect(waits).toEqual([30_000]);
  });

  it('stops after the attempts and returns the last answer', async () => {
    const { result, waits } = run([{ status: 503 }, { status: 503 }, { status: 503 }], { attempts: 2 });
    const outcome = await result;
    expect('response' in outcome && outcome.response.status).toBe(503);
    expect(outcome.attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(hits).toBe(2);
  });

  it('does not retry a client error', async () => {
    const { result, waits } = run([{ status: 401 }]);
    const outcome = await result;
    expect('response' in outcome && outcome.response.status).toBe(401);
    expect(waits).toEqual([]);
  });

  it('retries a network error', async () => {
    let calls = 0;
    const waits: number[] = [];
    const outcome = await withRetries(
      () => {
        calls += 1;
        return calls === 1 ? fetch('http://127.0.0.1:9/') : fetch(url);
      },
      { sleep: async (ms) => void waits.push(ms), baseDelayMs: 10 },
    );
    script = [];
    expect('response' in outcome && outcome.response.ok).toBe(true);
    expect(calls).toBe(2);
    expect(waits).toHaveLength(1);
  });
});
