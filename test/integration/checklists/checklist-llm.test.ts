import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { FakeOpenAi } from '../../support/fake-openai/index.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let github: FakeGitHub;
let openai: FakeOpenAi;

const repository = {
  id: 9101,
  name: 'shop',
  full_name: 'acme/shop',
  owner: { id: 56, login: 'acme', type: 'Organization' },
};

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 7171, account: 'acme', repositories: ['shop'] });
  openai = await new FakeOpenAi().start();
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  process.env.ASSAY_OPENAI_BASE_URL = openai.baseUrl;
  process.env.ASSAY_OPENAI_API_KEY = openai.apiKey;
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
  await openai.stop();
  delete process.env.ASSAY_OPENAI_BASE_URL;
  delete process.env.ASSAY_OPENAI_API_KEY;
});

describe('checklist refinement with an LLM configured', () => {
  it('splits and adds items through one structured call, keeping every author item and recording sources', async () => {
    openai.enqueue(
      JSON.stringify({
        items: [
          { text: 'Cart shows the item count', origin: { kind: 'split', indexes: [1] } },
          { text: 'Cart shows the total price', origin: { kind: 'split', indexes: [1] } },
          { text: 'An empty cart shows a hint', origin: { kind: 'added' } },
        ],
      }),
    );
    const issue = github.state.addIssue('acme/shop', {
      title: 'Cart summary',
      body: '## Acceptance criteria\n- Cart shows the item count and total price\n- Checkout button is disabled for an empty cart\n',
    });
    await postWebhook(runtime.url, 'issues', {
      action: 'opened',
      installation: { id: 7171 },
      repository,
      issue: { number: issue.number, title: issue.title, state: 'open' },
    });
    while ((await runtime.queues.pollOnce('intake')) > 0);
    while ((await runtime.queues.pollOnce('checklist')) > 0);

    expect(openai.requests).toHaveLength(1);
    const items = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('checklist_items').select(['tid', 'text', 'source']).orderBy('position').execute(),
    );
    expect(items.map((i) => [i.text, i.source])).toEqual([
      ['Cart shows the item count', 'llm'],
      ['Cart shows the total price', 'llm'],
      ['An empty cart shows a hint', 'llm'],
      // The model dropped this author item: it is put back, with its own source.
      ['Checkout button is disabled for an empty cart', 'section'],
    ]);
    const checklist = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('checklists').select('used_llm').executeTakeFirstOrThrow(),
    );
    expect(checklist.used_llm).toBe(true);
    const comment = github.state.commentsOn('acme/shop', issue.number)[0]!.body;
    expect(comment).toContain('**T4** Checkout button is disabled for an empty cart');
  });
});
