import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import { countLocalMessages, receiveLocalMessages } from '../../../shared/adapters/local-queue-store.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let github: FakeGitHub;

const repository = {
  id: 777,
  name: 'widgets',
  full_name: 'acme/widgets',
  default_branch: 'main',
  owner: { id: 5, login: 'acme', type: 'Organization' },
};

const command = (body: string, login: string, onPull: boolean) => ({
  action: 'created',
  installation: { id: 4242 },
  repository,
  issue: { number: 9, title: 'A thing', state: 'open', ...(onPull ? { pull_request: { url: 'x' } } : {}) },
  comment: { body, user: { login, type: 'User' } },
  sender: { login },
});

async function delivery(deliveryId: string) {
  return runtime.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 4242, account: 'acme', repositories: ['widgets'] });
  github.state.setRole('acme/widgets', 'mona', 'write');
  github.state.setRole('acme/widgets', 'eve', 'read');
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
});

describe('/assay commands in comments', () => {
  it('queues a regenerate from a user with write access, after asking GitHub', async () => {
    const deliveryId = randomUUID();
    await postWebhook(runtime.url, 'issue_comment', command('/assay regenerate', 'mona', false), {
      deliveryId,
    });
    await runtime.queues.pollOnce('intake');
    expect(await delivery(deliveryId)).toMatchObject({
      status: 'processed',
      outcome: '/assay regenerate queued',
    });
    const [message] = await receiveLocalMessages(runtime.db, 'checklist', {
      max: 10,
      visibilityTimeoutMs: 1,
      maxReceiveCount: 5,
    });
    expect(JSON.parse(message!.body)).toEqual({
      installationId: 4242,
      repositoryGithubId: 777,
      repoFullName: 'acme/widgets',
      issueNumber: 9,
      reason: 'regenerate',
    });
    expect(github.requests.some((r) => r.path.endsWith('/collaborators/mona/permission'))).toBe(true);
  });

  it('queues a revalidate on a pull request', async () => {
    const deliveryId = randomUUID();
    await postWebhook(runtime.url, 'issue_comment', command('/assay revalidate', 'mona', true), {
      deliveryId,
    });
    await runtime.queues.pollOnce('intake');
    expect(await delivery(deliveryId)).toMatchObject({ status: 'processed' });
    expect(await countLocalMessages(runtime.db, 'manifest')).toMatchObject({ visible: 1 });
  });

  it('ignores a command from a user without write access, saying why', async () => {
    const deliveryId = randomUUID();
    const before = await countLocalMessages(runtime.db, 'checklist');
    await postWebhook(runtime.url, 'issue_comment', command('/assay regenerate', 'eve', false), {
      deliveryId,
    });
    await runtime.queues.pollOnce('intake');
    expect(await delivery(deliveryId)).toMatchObject({
      status: 'ignored',
      outcome: '/assay regenerate by eve without write access',
    });
    expect(await countLocalMessages(runtime.db, 'checklist')).toEqual(before);
  });
});
