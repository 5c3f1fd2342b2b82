import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { createGitHubClient } from '../../../shared/github/github-client.ts';
import type { GitHubClient, RepoRef } from '../../../shared/github/github-client.types.ts';
import { findMarkedComment, upsertMarkedComment } from '../../../shared/github/marked-comment.ts';

let fake: FakeGitHub;
let gh: GitHubClient;
const ref: RepoRef = { installationId: 1, owner: 'acme', repo: 'widgets' };
const marker = '<!-- assay:checklist -->';

beforeAll(async () => {
  fake = await new FakeGitHub().start();
  fake.state.addInstallation({ id: 1, account: 'acme', repositories: ['widgets'] });
  gh = createGitHubClient({ ...fake.credentials, baseUrl: fake.url, spaceWrites: false });
});
afterAll(() => fake.stop());

describe('upsertMarkedComment', () => {
  it('create → update → unchanged makes exactly one POST and one PATCH', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    fake.state.addComment('acme/widgets', issue.number, { body: 'Looks good to me', user: 'alice' });

    const created = await upsertMarkedComment(gh, ref, issue.number, marker, '- [ ] step one');
    expect(created.action).toBe('created');
    const updated = await upsertMarkedComment(
      gh,
      ref,
      issue.number,
      marker,
      '- [ ] step one\n- [ ] step two',
    );
    expect(updated).toEqual({ commentId: created.commentId, action: 'updated' });
    const unchanged = await upsertMarkedComment(
      gh,
      ref,
      issue.number,
      marker,
      '- [ ] step one\n- [ ] step two',
    );
    expect(unchanged).toEqual({ commentId: created.commentId, action: 'unchanged' });

    expect(fake.writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/acme/widgets/issues/${issue.number}/comments`,
      `PATCH /repos/acme/widgets/issues/comments/${created.commentId}`,
    ]);
    const comments = fake.state.commentsOn('acme/widgets', issue.number);
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toBe(`${marker}\n- [ ] step one\n- [ ] step two`);
  });

  it('keeps a body that already carries the marker as it is, and ignores line-ending differences', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const body = `## Checklist\n- [ ] a\n\n${marker}`;
    expect((await upsertMarkedComment(gh, ref, issue.number, marker, body)).action).toBe('created');
    expect(fake.state.commentsOn('acme/widgets', issue.number)[0]?.body).toBe(body);
    expect(
      (await upsertMarkedComment(gh, ref, issue.number, marker, body.replace(/\n/g, '\r\n'))).action,
    ).toBe('unchanged');
  });

  it('never takes over a person’s comment that quotes the marker', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const quoted = fake.state.addComment('acme/widgets', issue.number, {
      body: `> ${marker}\n> old`,
      user: 'bob',
    });
    const result = await upsertMarkedComment(gh, ref, issue.number, marker, 'fresh');
    expect(result.action).toBe('created');
    expect(result.commentId).not.toBe(quoted.id);
    expect(fake.state.comments.get(quoted.id)?.body).toBe(`> ${marker}\n> old`);
  });

  it('stays one comment when GitHub performs the create but answers 502: no blind retry, the next upsert finds it', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const retrying = createGitHubClient({
      ...fake.credentials,
      baseUrl: fake.url,
      spaceWrites: false,
      retry: { retries: 3, minDelayMs: 5 },
    });
    await retrying.getIssue(ref, issue.number); // warm the token
    fake.failNext(1, 502, { method: 'POST', afterHandling: true });
    const error = await upsertMarkedComment(retrying, ref, issue.number, marker, 'body').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'GitHubApiError', kind: 'unavailable', status: 502 });
    // The queue retries the message later:
    expect((await upsertMarkedComment(retrying, ref, issue.number, marker, 'body')).action).toBe('unchanged');
    expect(fake.state.commentsOn('acme/widgets', issue.number)).toHaveLength(1);
    expect(
      fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments')).map((r) => r.status),
    ).toContain(502);
  });

  it('rejects a marker that is not <!-- assay:… --> before calling GitHub', async () => {
    const before = fake.requests.length;
    for (const bad of [
      'assay:checklist',
      '<!-- checklist -->',
      '<!-- assay:a -- b -->',
      '<!-- assay:x -->\n',
    ])
      await expect(upsertMarkedComment(gh, ref, 1, bad, 'x')).rejects.toBeInstanceOf(ValidationError);
    expect(fake.requests.length).toBe(before);
  });

  it('picks the oldest bot comment, and any author when the client reports no author type', () => {
    const comments = [
      { id: 1, body: 'no marker', user: 'x', htmlUrl: '' },
      { id: 2, body: marker, user: 'a', userType: 'User', htmlUrl: '' },
      { id: 3, body: marker, user: 'b[bot]', userType: 'Bot', htmlUrl: '' },
      { id: 4, body: marker, user: 'b[bot]', userType: 'Bot', htmlUrl: '' },
    ];
    expect(findMarkedComment(comments, marker)?.id).toBe(3);
    expect(findMarkedComment([{ id: 9, body: `x ${marker}`, user: null, htmlUrl: '' }], marker)?.id).toBe(9);
  });
});
