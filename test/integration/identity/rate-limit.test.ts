import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedApiToken, seedOrg, seedSession, seedUser, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_RATE_LIMIT_API = '3';
  process.env.ASSAY_RATE_LIMIT_AUTH = '2';
  runtime = await startTestRuntime();
});

afterAll(async () => {
  await runtime.dispose();
  delete process.env.ASSAY_RATE_LIMIT_API;
  delete process.env.ASSAY_RATE_LIMIT_AUTH;
});

describe('rate limits', () => {
  it('answers the N+1th request of a principal in the window with 429 and Retry-After; others are unaffected', async () => {
    const orgId = await seedOrg(runtime.db, 'acme');
    const user = await seedUser(runtime.db, 'mona', { orgId, role: 'member' });
    const { token } = await seedSession(runtime.db, user);
    const api = await seedApiToken(runtime.db, orgId, 'viewer');
    const call = (bearer: string) =>
      fetch(`${runtime.url}/api/v1/orgs`, { headers: { authorization: `Bearer ${bearer}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call(token)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await call(token);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Another principal has its own counter.
    expect((await call(api.token)).status).toBe(200);
  });

  it('limits the sign-in routes per client address, in their own class', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await fetch(`${runtime.url}/auth/refresh`, { method: 'POST' })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('counts atomically under concurrency: exactly the limit gets through', async () => {
    const orgId = await seedOrg(runtime.db, 'burst');
    const api = await seedApiToken(runtime.db, orgId, 'viewer');
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${runtime.url}/api/v1/orgs`, { headers: { authorization: `Bearer ${api.token}` } }),
      ),
    );
    const ok = responses.filter((r) => r.status === 200).length;
    const limited = responses.filter((r) => r.status === 429).length;
    // The window may roll over mid-burst, which can let one more batch of 3 through.
    expect(ok === 3 || ok === 6).toBe(true);
    expect(ok + limited).toBe(12);
  });
});
