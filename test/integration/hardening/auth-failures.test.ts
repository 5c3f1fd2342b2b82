import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedApiToken, seedOrg, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_RATE_LIMIT_AUTH_FAILURES = '5';
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
  delete process.env.ASSAY_RATE_LIMIT_AUTH_FAILURES;
});

const call = (bearer: string) =>
  fetch(`${runtime.url}/api/v1/orgs`, { headers: { authorization: `Bearer ${bearer}` } });

describe('failed authentications are rate-limited per client address', () => {
  it('answers 429 with Retry-After past ASSAY_RATE_LIMIT_AUTH_FAILURES, valid credentials included', async () => {
    // Counters live in fixed one-minute windows: start well inside one, so the sequence stays in it.
    const leftInWindow = 60_000 - (Date.now() % 60_000);
    if (leftInWindow < 20_000) await new Promise((r) => setTimeout(r, leftInWindow + 100));
    const orgId = await seedOrg(runtime.db, 'acme');
    const valid = await seedApiToken(runtime.db, orgId, 'viewer');
    expect((await call(valid.token)).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await call(`assay_pat_guess${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);

    // Past the limit the address is refused before any credential is looked up, right or wrong.
    const limited = await call(valid.token);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Bad cookies and refresh attempts are refused the same way; open routes still answer.
    const cookie = await fetch(`${runtime.url}/api/v1/me`, { headers: { cookie: 'assay_session=%ZZ' } });
    expect(cookie.status).toBe(429);
    expect((await fetch(`${runtime.url}/auth/refresh`, { method: 'POST' })).status).toBe(429);
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
  });
});
