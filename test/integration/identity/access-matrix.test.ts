import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../../functions/contracts/index.ts';
import type { RouteContract } from '../../../functions/kit/route-contract.ts';
import { topology } from '../../../infra/topology.ts';
import type { Topology } from '../../../infra/topology.types.ts';
import { can, permissions } from '../../../shared/auth/permissions.ts';
import { type Role, roles } from '../../../shared/auth/roles.ts';
import { seedOrg, seedSession, seedUser, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

/**
 * A valid request for every session route: path values (other than the
 * organisation) and a body. A new session route fails this test until it has
 * an entry, so nothing ships unchecked.
 */
const examples: Record<string, { params?: Record<string, string>; body?: unknown }> = {
  'POST /auth/logout': {},
  'GET /api/v1/me': {},
  'GET /api/v1/orgs': {},
  'GET /api/v1/orgs/{org}/members': {},
  'PATCH /api/v1/orgs/{org}/members/{login}': { params: { login: 'target-user' }, body: { role: 'viewer' } },
  'DELETE /api/v1/orgs/{org}/members/{login}': { params: { login: 'nobody-here' } },
  'GET /api/v1/orgs/{org}/invitations': {},
  'POST /api/v1/orgs/{org}/invitations': { body: { role: 'viewer' } },
  'DELETE /api/v1/orgs/{org}/invitations/{id}': { params: { id: randomUUID() } },
  'POST /api/v1/invitations/accept': { body: { token: 'assay_inv_unknown-token-value' } },
  'GET /api/v1/orgs/{org}/api-tokens': {},
  'POST /api/v1/orgs/{org}/api-tokens': { body: { name: 'matrix', role: 'viewer' } },
  'DELETE /api/v1/orgs/{org}/api-tokens/{id}': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/audit-events': {},
  'GET /api/v1/orgs/{org}/audit-events/verify': {},
  'GET /api/v1/repos/{owner}/{repo}/issues': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/issues/{number}': { params: { repo: 'no-repo', number: '1' } },
  'POST /api/v1/repos/{owner}/{repo}/issues/{number}/regenerate': {
    params: { repo: 'no-repo', number: '1' },
  },
  'GET /api/v1/repos/{owner}/{repo}/pulls/{number}': { params: { repo: 'no-repo', number: '1' } },
  'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/revalidate': { params: { repo: 'no-repo', number: '1' } },
  'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/trust': {
    params: { repo: 'no-repo', number: '1' },
    body: {},
  },
  'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/flag-for-merge': {
    params: { repo: 'no-repo', number: '1' },
    body: { override: true, reason: 'matrix' },
  },
  'POST /api/v1/repos/{owner}/{repo}/upload-tokens': { params: { repo: 'no-repo' }, body: { name: 'ci' } },
  'DELETE /api/v1/repos/{owner}/{repo}/upload-tokens/{id}': { params: { repo: 'no-repo', id: randomUUID() } },
  'GET /api/v1/orgs/{org}/notifications': {},
  'POST /api/v1/orgs/{org}/notifications/{id}/read': { params: { id: randomUUID() } },
  'POST /api/v1/orgs/{org}/notifications/read-all': {},
  'GET /api/v1/repos/{owner}/{repo}/pulls/{number}/validation': { params: { repo: 'no-repo', number: '1' } },
  'GET /api/v1/repos/{owner}/{repo}/code-health': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/code-health/{runId}': { params: { repo: 'no-repo', runId: '1' } },
  'PUT /api/v1/repos/{owner}/{repo}/follow': { params: { repo: 'no-repo' } },
  'DELETE /api/v1/repos/{owner}/{repo}/follow': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/settings': { params: { repo: 'no-repo' } },
  'PUT /api/v1/repos/{owner}/{repo}/settings': {
    params: { repo: 'no-repo' },
    body: { testWorkflows: ['test'] },
  },
  // ---- Test analytics ----
  'PATCH /api/v1/repos/{owner}/{repo}/settings': {
    params: { repo: 'no-repo' },
    body: { gate: 'regressions' },
  },
  'GET /api/v1/repos/{owner}/{repo}/tests': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/tests/{testId}/history': {
    params: { repo: 'no-repo', testId: randomUUID() },
  },
  'GET /api/v1/repos/{owner}/{repo}/metrics': { params: { repo: 'no-repo' } },
  'GET /api/v1/orgs/{org}/metrics': {},
  'GET /api/v1/orgs/{org}/repos': {},
  'GET /api/v1/repos/{owner}/{repo}': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/ci-runs': { params: { repo: 'no-repo' } },
  'GET /api/v1/repos/{owner}/{repo}/commits/{sha}/validation': {
    params: { repo: 'no-repo', sha: 'c0ffee15c0ffee15c0ffee15c0ffee15c0ffee15' },
  },
  'GET /api/v1/orgs/{org}/webhook-deliveries': {},
  'POST /api/v1/orgs/{org}/webhook-deliveries/{id}/redeliver': { params: { id: 'no-such-delivery' } },
  'POST /api/v1/orgs/{org}/exports': {},
  'GET /api/v1/orgs/{org}/exports': {},
  'GET /api/v1/orgs/{org}/exports/{id}': { params: { id: randomUUID() } },
  // A confirmation that does not match: the owner gets 400 (allowed, nothing deleted), others 403.
  'DELETE /api/v1/orgs/{org}': { body: { confirm: 'not-this-org' } },
  // Crawls: a start URL on loopback off the allow list is refused (400) before anything is queued or fetched.
  'POST /api/v1/orgs/{org}/crawls': { body: { startUrl: 'http://127.0.0.2:9/' } },
  'GET /api/v1/orgs/{org}/crawls': {},
  'GET /api/v1/orgs/{org}/crawls/{id}': { params: { id: randomUUID() } },
  'POST /api/v1/orgs/{org}/crawls/{id}/cancel': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/crawls/{id}/pages': { params: { id: randomUUID() } },
  // ---- Requirement documents and search ----
  'POST /api/v1/orgs/{org}/documents': {
    body: { filename: 'matrix.md', contentType: 'text/markdown', bytes: 10 },
  },
  'GET /api/v1/orgs/{org}/documents': {},
  'GET /api/v1/orgs/{org}/documents/{id}': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/documents/{id}/chunks': { params: { id: randomUUID() } },
  'DELETE /api/v1/orgs/{org}/documents/{id}': { params: { id: randomUUID() } },
  'POST /api/v1/orgs/{org}/search': { body: { query: 'matrix', mode: 'text' } },
  // ---- Agent runs: unknown ids answer 404 to those allowed (nothing is started) ----
  'POST /api/v1/orgs/{org}/agent-runs': { body: { documentIds: [randomUUID()] } },
  'GET /api/v1/orgs/{org}/agent-runs': {},
  'GET /api/v1/orgs/{org}/agent-runs/{id}': { params: { id: randomUUID() } },
  'POST /api/v1/orgs/{org}/agent-runs/{id}/cancel': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/approvals': { params: { id: randomUUID() } },
  'POST /api/v1/orgs/{org}/agent-runs/{id}/approvals/{approvalId}': {
    params: { id: randomUUID(), approvalId: randomUUID() },
    body: { decision: 'approve' },
  },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/events': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/events/stream': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}': {
    params: { id: randomUUID(), artifactId: randomUUID() },
  },
  'PUT /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}': {
    params: { id: randomUUID(), artifactId: randomUUID() },
    body: { content: [] },
  },
  'POST /api/v1/orgs/{org}/agent-runs/{id}/artifacts/{artifactId}/promote': {
    params: { id: randomUUID(), artifactId: randomUUID() },
    body: { title: 'R1.1::x' },
  },
  'GET /api/v1/orgs/{org}/agent-runs/{id}/export.zip': { params: { id: randomUUID() } },
  'GET /api/v1/orgs/{org}/usage': {},
};

const routes = Object.entries((topology as Topology).routes);
const contractOf = (key: string) => contracts.find((c) => c.route === key) as RouteContract;
const sessionRoutes = routes.filter(([, entry]) => entry.auth === 'session').map(([key]) => key);

let runtime: TestRuntime;
const userOfRole = new Map<Role, string>();

function request(key: string, org: string, bearer?: string): Promise<Response> {
  const [method, template] = key.split(' ') as [string, string];
  const example = examples[key] ?? {};
  const values: Record<string, string> = { org, owner: org, ...example.params };
  const path = template.replace(/\{(\w+)\+?\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? 'x'),
  );
  return fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(example.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: example.body === undefined ? undefined : JSON.stringify(example.body),
  });
}

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  // Every session route is called without credentials once: more than the default limit of failed
  // authentications per client a minute (60), which this test is not about.
  process.env.ASSAY_RATE_LIMIT_AUTH_FAILURES = '10000';
  runtime = await startTestRuntime();
  const orgA = await seedOrg(runtime.db, 'org-a');
  const orgB = await seedOrg(runtime.db, 'org-b');
  for (const role of roles)
    userOfRole.set(role, await seedUser(runtime.db, `${role}-user`, { orgId: orgA, role }));
  await seedUser(runtime.db, 'target-user', { orgId: orgA, role: 'member' });
  await seedUser(runtime.db, 'b-owner', { orgId: orgB, role: 'owner' });
});

afterAll(async () => {
  delete process.env.ASSAY_RATE_LIMIT_AUTH_FAILURES;
  await runtime.dispose();
});

describe('access matrix over every route in the topology', () => {
  it('has an example for every session route', () => {
    expect(sessionRoutes.filter((key) => !(key in examples))).toEqual([]);
    for (const key of sessionRoutes) expect(contractOf(key).action, key).toBeDefined();
  });

  it('answers every non-public route with 401 when no credentials are sent', async () => {
    for (const [key, entry] of routes) {
      if (entry.auth !== 'session') continue;
      const res = await request(key, 'org-a');
      expect({ key, status: res.status }).toEqual({ key, status: 401 });
    }
  });

  it('lets each role do exactly what the permission table says, and answers 403 otherwise', async () => {
    for (const key of sessionRoutes) {
      const contract = contractOf(key);
      for (const role of roles) {
        const { token } = await seedSession(runtime.db, userOfRole.get(role)!);
        const res = await request(key, 'org-a', token);
        const allowed = contract.orgParam ? can(role, contract.action!) : true;
        const verdict = res.status === 403 ? 'forbidden' : res.status === 401 ? 'unauthenticated' : 'allowed';
        expect({ key, role, verdict }).toEqual({ key, role, verdict: allowed ? 'allowed' : 'forbidden' });
        expect(res.status, `${key} as ${role}`).toBeLessThan(500);
      }
    }
  });

  it('answers 404 when a principal of org A asks for org B', async () => {
    const { token } = await seedSession(runtime.db, userOfRole.get('owner')!);
    for (const key of sessionRoutes.filter((k) => contractOf(k).orgParam)) {
      const res = await request(key, 'org-b', token);
      expect({ key, status: res.status }).toEqual({ key, status: 404 });
      const unknown = await request(key, 'no-such-org', token);
      expect({ key, status: unknown.status }).toEqual({ key, status: 404 });
    }
  });

  it('keeps public routes public', async () => {
    for (const [key, entry] of routes) {
      // The refresh route's credential is its own cookie: without it, 401 is the right answer.
      if (entry.auth !== 'public' || key.includes('{') || key === 'POST /auth/refresh') continue;
      const res = await request(key, 'org-a');
      expect({ key, unauthenticated: res.status === 401 }).toEqual({ key, unauthenticated: false });
    }
  });

  it('declares an action from the permission table on every session route', () => {
    for (const key of sessionRoutes) expect(Object.keys(permissions)).toContain(contractOf(key).action);
  });
});
