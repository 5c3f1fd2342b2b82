import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeIssue } from '../../../infra/local/github-double/index.ts';
import { countLocalMessages, sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import {
  INSTALLATION_ID,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

/** Deleted and suspended installations, against a GitHub double that refuses their tokens as GitHub does. */
let h: ValidationHarness;

const installation = { id: INSTALLATION_ID, account: repository.owner };

const deliver = (event: string, payload: Record<string, unknown>) => h.deliver(event, payload);

const synchronize = (number: number, pull?: FakeIssue) =>
  h.deliver('pull_request', h.pullPayload('synchronize', number, pull));

const repositoryRow = () =>
  withSystem(h.runtime.db, (trx) =>
    trx
      .selectFrom('repositories')
      .select(['removed_at', 'full_name'])
      .where('github_id', '=', String(repository.id))
      .executeTakeFirstOrThrow(),
  );

const repoRequests = () => h.github.requests.filter((r) => r.path.startsWith('/repos/'));

beforeAll(async () => {
  h = await startValidationHarness();
});
afterAll(() => h.dispose());

describe('installation lifecycle', () => {
  it('suspend: events are ignored with the reason, no GitHub call, the token is dropped; unsuspend restores', async () => {
    await h.openPull();
    const pull = h.lastPull;
    const mints = h.github.tokenMints;

    h.github.state.suspend(INSTALLATION_ID);
    expect(await deliver('installation', { action: 'suspend', installation })).toMatchObject({
      status: 'processed',
    });
    h.github.clearRecords();
    expect(await synchronize(pull)).toEqual({
      status: 'ignored',
      outcome: `pull_request: installation ${INSTALLATION_ID} is suspended`,
    });
    expect(repoRequests()).toEqual([]);
    expect((await repositoryRow()).removed_at).toBeNull();

    h.github.state.suspend(INSTALLATION_ID, false);
    expect(await deliver('installation', { action: 'unsuspend', installation })).toMatchObject({
      status: 'processed',
    });
    expect(await synchronize(pull)).toMatchObject({ status: 'processed' });
    // The token cached before the suspension was dropped: a fresh one was minted, and GitHub took every call.
    expect(h.github.tokenMints).toBe(mints + 1);
    expect(repoRequests().length).toBeGreaterThan(0);
    expect(repoRequests().every((r) => r.status < 400)).toBe(true);
  });

  it('a message queued before the suspension makes no GitHub call', async () => {
    await h.openPull();
    h.github.state.suspend(INSTALLATION_ID);
    await deliver('installation', { action: 'suspend', installation });
    // Work queued before the suspension arrived (a revalidation asked for through the API).
    const target = {
      installationId: INSTALLATION_ID,
      repositoryGithubId: repository.id,
      repoFullName: 'acme/widgets',
    };
    await sendLocalMessage(
      h.runtime.db,
      'manifest',
      JSON.stringify({ ...target, pullNumber: h.lastPull, reason: 'revalidate' }),
    );
    await sendLocalMessage(
      h.runtime.db,
      'validation',
      JSON.stringify({ ...target, headSha: 'f'.repeat(40), pullNumbers: [h.lastPull], reason: 'revalidate' }),
    );
    await sendLocalMessage(
      h.runtime.db,
      'checklist',
      JSON.stringify({ ...target, issueNumber: h.issue.number, reason: 'regenerate' }),
    );
    h.github.clearRecords();
    await h.drain();
    expect(repoRequests()).toEqual([]);
    expect(await countLocalMessages(h.runtime.db, 'manifest')).toEqual({ visible: 0, inFlight: 0, dead: 0 });
    h.github.state.suspend(INSTALLATION_ID, false);
    await deliver('installation', { action: 'unsuspend', installation });
  });

  it('deleted: the repositories stay removed whatever arrives later, and GitHub is never called', async () => {
    await h.openPull();
    const pull = h.github.state.repository('acme/widgets').items.get(h.lastPull)!;
    expect(
      await deliver('installation', { action: 'deleted', installation, repositories: [repository] }),
    ).toMatchObject({ status: 'processed' });
    h.github.state.uninstall(INSTALLATION_ID);
    expect((await repositoryRow()).removed_at).not.toBeNull();
    h.github.clearRecords();

    expect(
      await deliver('issues', {
        action: 'opened',
        installation: { id: INSTALLATION_ID },
        repository,
        issue: { number: 99, title: 'Late', state: 'open' },
      }),
    ).toEqual({ status: 'ignored', outcome: `issue: installation ${INSTALLATION_ID} was deleted` });
    expect(await synchronize(pull.number, pull)).toMatchObject({ status: 'ignored' });
    expect(
      await deliver('installation_repositories', {
        action: 'added',
        installation,
        repositories_added: [{ id: repository.id, name: 'widgets', full_name: 'acme/widgets' }],
        repositories_removed: [],
      }),
    ).toMatchObject({ status: 'ignored' });
    expect((await repositoryRow()).removed_at).not.toBeNull();
    expect(repoRequests()).toEqual([]);
  });
});
