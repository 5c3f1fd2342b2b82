import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, type FakeIssue, randomSha } from '../../../infra/local/github-double/index.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { seedApiToken } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let github: FakeGitHub;
let issue: FakeIssue;

const repository = {
  id: 9201,
  name: 'widgets',
  full_name: 'acme/widgets',
  default_branch: 'main',
  owner: { id: 57, login: 'acme', type: 'Organization' },
};

const emailPatch = [
  '@@ -0,0 +1,6 @@',
  '+export function validateEmail(email: string): boolean {',
  '+  return /^[^@\\s]+@[^@\\s]+$/.test(email);',
  '+}',
  '+export function emailError(email: string): string | null {',
  "+  return validateEmail(email) ? null : 'Invalid email';",
  '+}',
].join('\n');
const testPatch = [
  '@@ -0,0 +1,3 @@',
  "+it('T1::shows an error for an invalid email', () => {",
  '+  expect(emailError("x")).toBe("Invalid email");',
  '+});',
].join('\n');

async function drain() {
  for (;;) {
    const moved =
      (await runtime.queues.pollOnce('intake')) +
      (await runtime.queues.pollOnce('checklist')) +
      (await runtime.queues.pollOnce('manifest'));
    if (moved === 0) return;
  }
}

async function pullEvent(pull: FakeIssue, action: string, deliveryId = randomUUID()) {
  const res = await postWebhook(
    runtime.url,
    'pull_request',
    {
      action,
      installation: { id: 8080 },
      repository,
      pull_request: {
        number: pull.number,
        title: pull.title,
        state: 'open',
        body: pull.body,
        head: { sha: pull.pull!.headSha, ref: pull.pull!.headRef },
        base: { ref: 'main' },
      },
    },
    { deliveryId },
  );
  expect(res.status).toBeLessThan(300);
  await drain();
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 8080, account: 'acme', repositories: ['widgets'] });
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  runtime = await startTestRuntime({ autoStart: false });
  issue = github.state.addIssue('acme/widgets', {
    title: 'Validate emails at sign-up',
    body: '## Acceptance criteria\n- User sees an error when the email is invalid\n- Valid emails are accepted\n',
  });
  await postWebhook(runtime.url, 'issues', {
    action: 'opened',
    installation: { id: 8080 },
    repository,
    issue: { number: issue.number, title: issue.title, state: 'open' },
  });
  await drain();
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
});

describe('test manifests for pull requests', () => {
  it('links issues, lists what the PR owes with suggested and existing tests, and opens the check as in progress', async () => {
    const pull = github.state.addPull('acme/widgets', {
      title: 'Email validation',
      body: `Fixes #${issue.number}\n\nAlso see acme/private-thing#4 and closes other-org/elsewhere#9.`,
      headRef: `feature/${issue.number}-email`,
      files: [
        {
          filename: 'src/signup/email.ts',
          status: 'added',
          additions: 6,
          deletions: 0,
          changes: 6,
          patch: emailPatch,
        },
        {
          filename: 'src/signup/email.test.ts',
          status: 'added',
          additions: 3,
          deletions: 0,
          changes: 3,
          patch: testPatch,
        },
      ],
    });
    await pullEvent(pull, 'opened');

    const comments = github.state.commentsOn('acme/widgets', pull.number);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain(`#${issue.number} (2 criteria)`);
    expect(body).toContain('other-org/elsewhere#9 (not visible to Assay)');
    expect(body).toMatch(/\| \*\*T1\*\* \| User sees an error when the email is invalid \|/);
    expect(body).toContain('src/signup/email.test.ts:1');
    expect(body).toMatch(/`T2::[^`]+` in `src\/signup\/[^`]+`/);

    const checks = github.state.checkRunsOf('acme/widgets').filter((c) => c.headSha === pull.pull!.headSha);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: 'Assay',
      status: 'in_progress',
      output: { title: 'Waiting for test report' },
    });
    expect(checks[0]!.output.summary).toContain('**T1**');

    const org = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    const { token } = await seedApiToken(runtime.db, org.id, 'viewer');
    const api = await fetch(`${runtime.url}/api/v1/repos/acme/widgets/pulls/${pull.number}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.status).toBe(200);
    const json = (await api.json()) as {
      linkedIssues: { number: number; visible: boolean }[];
      manifest: { entries: { tid: number; existingTests: unknown[] }[] };
      validation: { status: string };
    };
    expect(json.linkedIssues.map((l) => [l.number, l.visible])).toContainEqual([issue.number, true]);
    expect(json.manifest.entries.map((e) => e.tid)).toEqual([1, 2]);
    expect(json.manifest.entries[0]!.existingTests).toHaveLength(1);
    expect(json.validation.status).toBe('in_progress');
  });

  it('on synchronize updates the same comment and opens a new check for the new SHA, leaving the old one', async () => {
    const pull = github.state.addPull('acme/widgets', {
      title: 'Second',
      body: `Closes #${issue.number}`,
      files: 2,
    });
    await pullEvent(pull, 'opened');
    const firstSha = pull.pull!.headSha;
    const firstCheck = github.state.checkRunsOf('acme/widgets').find((c) => c.headSha === firstSha)!;
    const firstCheckJson = JSON.stringify(firstCheck);

    pull.pull!.headSha = randomSha();
    await pullEvent(pull, 'synchronize');
    expect(github.state.commentsOn('acme/widgets', pull.number)).toHaveLength(1);
    expect(github.state.commentsOn('acme/widgets', pull.number)[0]!.body).toContain(
      pull.pull!.headSha.slice(0, 7),
    );
    const checks = github.state.checkRunsOf('acme/widgets');
    expect(checks.filter((c) => c.headSha === pull.pull!.headSha)).toHaveLength(1);
    expect(JSON.stringify(checks.find((c) => c.headSha === firstSha))).toBe(firstCheckJson);
  });

  it('never makes a second comment or check run for duplicate deliveries and retries', async () => {
    const pull = github.state.addPull('acme/widgets', {
      title: 'Third',
      body: `Resolves #${issue.number}`,
      files: 1,
    });
    const deliveryId = randomUUID();
    await pullEvent(pull, 'opened', deliveryId);
    const writes = github.writes.length;
    await pullEvent(pull, 'opened', deliveryId);
    await pullEvent(pull, 'edited');
    await pullEvent(pull, 'reopened');
    expect(github.writes.length).toBe(writes);
    expect(github.state.commentsOn('acme/widgets', pull.number)).toHaveLength(1);
    expect(
      github.state.checkRunsOf('acme/widgets').filter((c) => c.headSha === pull.pull!.headSha),
    ).toHaveLength(1);
  });

  it('says so and sets a neutral check when no issue is linked', async () => {
    const pull = github.state.addPull('acme/widgets', {
      title: 'Chore: bump deps',
      body: 'Routine.',
      headRef: 'chore/deps',
      files: 1,
    });
    await pullEvent(pull, 'opened');
    expect(github.state.commentsOn('acme/widgets', pull.number)[0]!.body).toContain('links no issue');
    const check = github.state.checkRunsOf('acme/widgets').find((c) => c.headSha === pull.pull!.headSha)!;
    expect(check).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  });
});
