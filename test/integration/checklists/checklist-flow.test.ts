import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, type FakeIssue } from '../../../infra/local/github-double/index.ts';
import { generateChecklist } from '../../../shared/checklists/checklist.service.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { createGitHubClient } from '../../../shared/github/github-client.ts';
import { seedApiToken, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let github: FakeGitHub;

const repository = {
  id: 9001,
  name: 'widgets',
  full_name: 'acme/widgets',
  default_branch: 'main',
  owner: { id: 55, login: 'acme', type: 'Organization' },
};

const body = (items: string[]) =>
  `## Summary\nUsers sign up with an email.\n\n## Acceptance criteria\n${items.map((i) => `- ${i}`).join('\n')}\n`;

async function deliver(issue: FakeIssue, action: string, deliveryId = randomUUID()) {
  const res = await postWebhook(
    runtime.url,
    'issues',
    {
      action,
      installation: { id: 7070 },
      repository,
      issue: { number: issue.number, title: issue.title, state: issue.state, user: { login: 'mona' } },
    },
    { deliveryId },
  );
  expect(res.status).toBeLessThan(300);
  await drain();
}

async function drain() {
  while ((await runtime.queues.pollOnce('intake')) > 0);
  while ((await runtime.queues.pollOnce('checklist')) > 0);
}

const commentWrites = (issueNumber: number) =>
  github.writes.filter(
    (w) => w.path.includes(`/issues/${issueNumber}/comments`) || w.path.includes('/issues/comments/'),
  );

function lines(issueNumber: number): string[] {
  const comments = github.state.commentsOn('acme/widgets', issueNumber);
  expect(comments).toHaveLength(1);
  return comments[0]!.body.split('\n').filter((l) => l.startsWith('- ['));
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 7070, account: 'acme', repositories: ['widgets'] });
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
});

describe('checklists from issues', () => {
  it('posts one checklist comment and keeps TIDs through an edit that rewords, adds and removes', async () => {
    const issue = github.state.addIssue('acme/widgets', {
      title: 'Sign-up validates the email',
      body: body([
        'User sees an error when the email is invalid',
        'Valid emails are accepted',
        'The form keeps the typed name',
      ]),
    });
    await deliver(issue, 'opened');
    expect(lines(issue.number)).toEqual([
      '- [ ] **T1** User sees an error when the email is invalid',
      '- [ ] **T2** Valid emails are accepted',
      '- [ ] **T3** The form keeps the typed name',
    ]);
    expect(github.state.commentsOn('acme/widgets', issue.number)[0]!.body).toContain('T1::');

    issue.body = body([
      'User sees an error when the email address is invalid',
      'Valid emails are accepted',
      'A confirmation email is sent',
    ]);
    await deliver(issue, 'edited');
    expect(lines(issue.number)).toEqual([
      '- [ ] **T1** User sees an error when the email address is invalid',
      '- [ ] **T2** Valid emails are accepted',
      '- [ ] **T4** A confirmation email is sent',
    ]);
    const writes = commentWrites(issue.number);
    expect(writes.map((w) => w.method)).toEqual(['POST', 'PATCH']);
    const retired = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('checklist_items')
        .select(['tid', 'status', 'retired_in_version'])
        .where('tid', '=', 3)
        .executeTakeFirstOrThrow(),
    );
    expect(retired).toEqual({ tid: 3, status: 'retired', retired_in_version: 2 });
  });

  it('changes nothing and writes nothing to GitHub for the same body, a duplicate delivery, or an unrelated edit', async () => {
    const issue = github.state.addIssue('acme/widgets', {
      title: 'Export',
      body: body(['CSV export has a header row']),
    });
    const deliveryId = randomUUID();
    await deliver(issue, 'opened', deliveryId);
    const before = github.writes.length;
    const versions = async () =>
      (
        await withSystem(runtime.db, (trx) =>
          trx.selectFrom('checklist_versions').select('version').execute(),
        )
      ).length;
    const versionCount = await versions();
    await deliver(issue, 'opened', deliveryId);
    await deliver(issue, 'edited');
    await deliver(issue, 'reopened');
    expect(github.writes.length).toBe(before);
    expect(await versions()).toBe(versionCount);
  });

  it('keeps exactly one comment after open, three edits, a duplicate delivery and a regenerate', async () => {
    const issue = github.state.addIssue('acme/widgets', {
      title: 'Search',
      body: body(['Search finds by title']),
    });
    const opened = randomUUID();
    await deliver(issue, 'opened', opened);
    for (const extra of ['Search finds by tag', 'Search is case-insensitive', 'Empty search shows all']) {
      issue.body = `${issue.body}- ${extra}\n`;
      await deliver(issue, 'edited');
    }
    await deliver(issue, 'opened', opened);
    const { token } = await seedApiToken(
      runtime.db,
      (
        await withSystem(runtime.db, (trx) =>
          trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
        )
      ).id,
      'member',
    );
    const regen = await fetch(`${runtime.url}/api/v1/repos/acme/widgets/issues/${issue.number}/regenerate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(regen.status).toBe(202);
    expect(((await regen.json()) as { jobId: string }).jobId).toMatch(/^[0-9a-f-]{36}$/);
    await drain();
    expect(github.state.commentsOn('acme/widgets', issue.number)).toHaveLength(1);
    expect(commentWrites(issue.number).filter((w) => w.method === 'POST')).toHaveLength(1);
    expect(lines(issue.number)).toHaveLength(4);

    const detail = await fetch(`${runtime.url}/api/v1/repos/acme/widgets/issues/${issue.number}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(detail.status).toBe(200);
    const json = (await detail.json()) as {
      checklist: { items: { tid: string; source: string; status: string }[] };
    };
    expect(json.checklist.items.map((i) => i.source)).toEqual(['section', 'section', 'section', 'section']);
    expect(json.checklist.items.every((i) => i.status === 'missing' && /^T\d+$/.test(i.tid))).toBe(true);
    const list = await fetch(`${runtime.url}/api/v1/repos/acme/widgets/issues?limit=2`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed = (await list.json()) as { issues: { number: number }[]; nextCursor: string | null };
    expect(listed.issues).toHaveLength(2);
    expect(listed.nextCursor).not.toBeNull();
  });

  it('never hands out one TID twice when two edits of an issue are processed at once', async () => {
    const issue = github.state.addIssue('acme/widgets', { title: 'Race', body: body(['First thing works']) });
    await deliver(issue, 'opened');
    const client = createGitHubClient({ ...github.credentials, baseUrl: github.url, spaceWrites: false });
    const message = {
      installationId: 7070,
      repositoryGithubId: 9001,
      repoFullName: 'acme/widgets',
      issueNumber: issue.number,
      reason: 'edited' as const,
    };
    issue.body = body(['First thing works', 'Second thing works', 'Third thing works']);
    const runs = await Promise.all([
      generateChecklist({ db: runtime.db, github: client }, message),
      generateChecklist({ db: runtime.db, github: client }, message),
      generateChecklist({ db: runtime.db, github: client }, { ...message, reason: 'regenerate' }),
    ]);
    expect(runs.filter((r) => r.status === 'updated')).toHaveLength(1);
    const { tids, counter } = await withSystem(runtime.db, async (trx) => ({
      tids: (await trx.selectFrom('checklist_items').select('tid').execute()).map((r) => r.tid),
      counter: await trx.selectFrom('tid_counters').select('last_tid').executeTakeFirstOrThrow(),
    }));
    expect(new Set(tids).size).toBe(tids.length);
    expect(Math.max(...tids)).toBe(counter.last_tid);
    expect(github.state.commentsOn('acme/widgets', issue.number)).toHaveLength(1);
  });

  it('caps a 10,000-item task list and a 1 MB body, and says so in the comment', async () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => `- [ ] Task number ${i + 1} is done`).join('\n');
    const issue = github.state.addIssue('acme/widgets', { title: 'Huge', body: tasks });
    await deliver(issue, 'opened');
    const comment = github.state.commentsOn('acme/widgets', issue.number)[0]!.body;
    expect(comment.split('\n').filter((l) => l.startsWith('- ['))).toHaveLength(200);
    expect(comment).toMatch(/Showing the first 200 of \d+ criteria found/);

    const big = github.state.addIssue('acme/widgets', {
      title: 'Big',
      body: `## Acceptance criteria\n- The page loads\n\n${'lorem ipsum '.repeat(90_000)}`,
    });
    await deliver(big, 'opened');
    expect(lines(big.number)[0]).toMatch(/\*\*T\d+\*\* The page loads/);
  });

  it('posts no comment for an issue without criteria', async () => {
    const issue = github.state.addIssue('acme/widgets', {
      title: 'Question',
      body: 'How do I run this locally?',
    });
    await deliver(issue, 'opened');
    expect(github.state.commentsOn('acme/widgets', issue.number)).toHaveLength(0);
  });
});
