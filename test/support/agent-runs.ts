import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { FakeGitHub, type FakeIssue } from '../../infra/local/github-double/index.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { callApi } from './api-client.ts';
import { seedSession, seedUser, TEST_SESSION_SECRET } from './identity.ts';
import { startTestRuntime, type TestRuntime } from './test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from './webhooks.ts';

/**
 * A local runtime with the GitHub double, one installed organisation
 * (`login`) with repository `shop`, an issue whose checklist has two TIDs,
 * and signed-in `member` and `viewer` users: what an agent run starts from.
 * `mona` has write access on GitHub, `eve` read access.
 */
export interface AgentWorld {
  runtime: TestRuntime;
  github: FakeGitHub;
  login: string;
  orgId: string;
  issue: FakeIssue;
  repository: {
    id: number;
    name: string;
    full_name: string;
    default_branch: string;
    owner: Record<string, unknown>;
  };
  as: Record<'member' | 'viewer', string>;
  call(
    who: 'member' | 'viewer',
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>;
  /** Polls `probe` until it gives a value. */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** The run once its status is one of `statuses`. */
  runStatus(id: string, statuses: string[]): Promise<any>;
  /** The run's pending approval of `stage`, once there is one. */
  pendingApproval(id: string, stage: string): Promise<any>;
  /** Comments on the issue as `login`; returns the delivery id. */
  comment(body: string, login: string, deliveryId?: string): Promise<string>;
  /** The webhook delivery once it was processed or ignored. */
  deliveryOutcome(deliveryId: string): Promise<{ status: string; outcome: string | null }>;
  dispose(): Promise<void>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Starts the world; set any `ASSAY_*` variables the test needs before calling it. Without
 * `ASSAY_OPENAI_BASE_URL` the agents use the offline provider (a stray key is dropped).
 */
export async function startAgentWorld(login: string, installationId: number): Promise<AgentWorld> {
  const github = await new FakeGitHub().start();
  github.state.addInstallation({ id: installationId, account: login, repositories: ['shop'] });
  github.state.setRole(`${login}/shop`, 'mona', 'write');
  github.state.setRole(`${login}/shop`, 'eve', 'read');
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  if (!process.env.ASSAY_OPENAI_BASE_URL) delete process.env.ASSAY_OPENAI_API_KEY;
  const runtime = await startTestRuntime();
  const repository = {
    id: installationId * 10 + 1,
    name: 'shop',
    full_name: `${login}/shop`,
    default_branch: 'main',
    owner: { id: installationId * 10, login, type: 'Organization' },
  };
  const issue = github.state.addIssue(`${login}/shop`, {
    title: 'Sign in with email and password',
    body: '## Acceptance criteria\n- A customer can enter their email address and password to sign in\n- Signing in with an empty email address is rejected\n',
  });
  await postWebhook(runtime.url, 'issues', {
    action: 'opened',
    installation: { id: installationId },
    repository,
    issue: { number: issue.number, title: issue.title, state: 'open', user: { login: 'mona' } },
  });
  const orgId = await until('the organisation and its checklist', async () => {
    const row = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('checklist_items as i')
        .innerJoin('orgs as o', 'o.id', 'i.org_id')
        .select(['o.id', (eb) => eb.fn.countAll<string>().as('items')])
        .where('o.login', '=', login)
        .groupBy('o.id')
        .executeTakeFirst(),
    );
    return row && Number(row.items) === 2 ? row.id : undefined;
  });
  const as = {} as Record<'member' | 'viewer', string>;
  for (const role of ['member', 'viewer'] as const) {
    const userId = await seedUser(runtime.db, `${login}-${role}`, { orgId, role });
    as[role] = (await seedSession(runtime.db, userId)).token;
  }
  const call: AgentWorld['call'] = (who, method, path, body) =>
    callApi(runtime.url, as[who], method, path, body);
  const world: AgentWorld = {
    runtime,
    github,
    login,
    orgId,
    issue,
    repository,
    as,
    call,
    until,
    runStatus: (id, statuses) =>
      until(`run ${id} in ${statuses.join('/')}`, async () => {
        const res = await call('member', 'GET', `/orgs/${login}/agent-runs/${id}`);
        return statuses.includes(res.body.status) ? res.body : undefined;
      }),
    pendingApproval: (id, stage) =>
      until(`${stage} approval of ${id}`, async () => {
        const res = await call('viewer', 'GET', `/orgs/${login}/agent-runs/${id}/approvals`);
        return res.body.approvals.find(
          (a: { stage: string; status: string }) => a.stage === stage && a.status === 'pending',
        );
      }),
    async comment(body, commenter, deliveryId = randomUUID()) {
      const res = await postWebhook(
        runtime.url,
        'issue_comment',
        {
          action: 'created',
          installation: { id: installationId },
          repository,
          issue: { number: issue.number, title: issue.title, state: 'open' },
          comment: { body, user: { login: commenter, type: 'User' } },
          sender: { login: commenter },
        },
        { deliveryId },
      );
      expect(res.status).toBeLessThan(300);
      return deliveryId;
    },
    deliveryOutcome: (deliveryId) =>
      until(`delivery ${deliveryId}`, async () => {
        const row = await withSystem(runtime.db, (trx) =>
          trx
            .selectFrom('webhook_deliveries')
            .select(['status', 'outcome'])
            .where('delivery_id', '=', deliveryId)
            .executeTakeFirst(),
        );
        return row && (row.status === 'processed' || row.status === 'ignored') ? row : undefined;
      }),
    async dispose() {
      await runtime.dispose();
      await github.stop();
    },
  };
  return world;
}
