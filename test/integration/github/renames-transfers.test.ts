import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../../shared/db/tenant.ts';
import {
  INSTALLATION_ID,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

/** Renames and transfers of organisations, repositories and issues, as GitHub reports them. */
let h: ValidationHarness;

const deliver = (event: string, payload: Record<string, unknown>) => h.deliver(event, payload);

const repositoryRow = (githubId: number) =>
  withSystem(h.runtime.db, (trx) =>
    trx
      .selectFrom('repositories')
      .innerJoin('orgs', 'orgs.id', 'repositories.org_id')
      .select(['repositories.id', 'repositories.full_name', 'repositories.removed_at', 'orgs.login'])
      .where('repositories.github_id', '=', String(githubId))
      .executeTakeFirstOrThrow(),
  );

const other = { id: 9401, name: 'other', full_name: 'acme/other', private: true };

beforeAll(async () => {
  h = await startValidationHarness();
  h.github.state.addRepository(INSTALLATION_ID, 'other');
  await deliver('installation_repositories', {
    action: 'added',
    installation: { id: INSTALLATION_ID, account: repository.owner },
    repositories_added: [other],
    repositories_removed: [],
  });
});
afterAll(() => h.dispose());

describe('issues.transferred', () => {
  it('marks the issue transferred, tracks the new one, and a later `Fixes #n` owes the new criteria', async () => {
    const moved = h.github.state.addIssue('acme/other', {
      number: 7,
      title: 'Validate emails',
      body: '## Acceptance criteria\n- Emails with two @ are refused\n',
    });
    const outcome = await deliver('issues', {
      action: 'transferred',
      installation: { id: INSTALLATION_ID },
      repository,
      issue: { number: h.issue.number, title: h.issue.title, state: 'open' },
      changes: { new_issue: { number: moved.number }, new_repository: other },
    });
    expect(outcome).toEqual({
      status: 'processed',
      outcome: 'issue transferred to acme/other#7: checklist queued',
    });
    const old = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('issues')
        .innerJoin('repositories', 'repositories.id', 'issues.repository_id')
        .select(['issues.transferred_to', 'issues.transferred_at'])
        .where('repositories.github_id', '=', String(repository.id))
        .where('issues.number', '=', h.issue.number)
        .executeTakeFirstOrThrow(),
    );
    expect(old.transferred_to).toBe('acme/other#7');
    expect(old.transferred_at).not.toBeNull();
    expect(h.github.state.commentsOn('acme/other', 7).at(-1)?.body).toContain(
      'Emails with two @ are refused',
    );

    const sha = await h.openPull();
    const manifest = h.github.state
      .commentsOn('acme/widgets', h.lastPull)
      .find((c) => c.body.includes('assay:manifest'))!;
    expect(manifest.body).toContain('acme/other#7 (transferred from acme/widgets#1; 1 criteria)');
    expect(manifest.body).toContain('Emails with two @ are refused');
    expect(manifest.body).not.toContain('User sees an error when the email is invalid');
    expect(h.checkOf(sha)[0]!.output.summary).toContain('Expected: 1 criteria');
  });
});

describe('repository renamed and transferred', () => {
  it('a rename updates full_name and keeps the repository installed', async () => {
    const renamed = { ...repository, name: 'gadgets', full_name: 'acme/gadgets' };
    expect(
      await deliver('repository', {
        action: 'renamed',
        installation: { id: INSTALLATION_ID },
        repository: renamed,
        changes: { repository: { name: { from: 'widgets' } } },
      }),
    ).toMatchObject({ status: 'processed' });
    expect(await repositoryRow(repository.id)).toMatchObject({
      full_name: 'acme/gadgets',
      removed_at: null,
      login: 'acme',
    });
  });

  it('a transfer to another account with the App updates full_name and takes the data along', async () => {
    const globex = { id: 77, login: 'globex', type: 'Organization' };
    const transferred = { id: other.id, name: 'other', full_name: 'globex/other', owner: globex };
    expect(
      await deliver('repository', {
        action: 'transferred',
        installation: { id: 9999 },
        repository: transferred,
        changes: { owner: { from: { organization: { login: 'acme' } } } },
      }),
    ).toMatchObject({ status: 'processed' });
    const row = await repositoryRow(other.id);
    expect(row).toMatchObject({ full_name: 'globex/other', removed_at: null, login: 'globex' });
    const orgs = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('checklists')
        .innerJoin('orgs', 'orgs.id', 'checklists.org_id')
        .select('orgs.login')
        .where('checklists.repository_id', '=', row.id)
        .execute(),
    );
    expect(orgs.map((o) => o.login)).toEqual(['globex']);
  });
});

describe('installation_target renamed', () => {
  it('renames the organisation from the event’s account (installation carries only its id)', async () => {
    const outcome = await deliver('installation_target', {
      action: 'renamed',
      account: { id: repository.owner.id, login: 'acme-corp', type: 'Organization' },
      changes: { login: { from: 'acme' } },
      installation: { id: INSTALLATION_ID },
      target_type: 'Organization',
    });
    expect(outcome).toEqual({ status: 'processed', outcome: 'installation renamed (acme → acme-corp)' });
    expect(await repositoryRow(repository.id)).toMatchObject({
      login: 'acme-corp',
      full_name: 'acme-corp/gadgets',
    });
  });
});
