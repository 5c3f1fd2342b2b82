import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { seedSession, seedUser, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  runtime = await startTestRuntime({ autoStart: false });
});

afterAll(async () => {
  await runtime.dispose();
});

async function install(
  installationId: number,
  account: { id: number; login: string },
  repositories: { id: number; name: string; full_name: string }[] = [],
) {
  const response = await postWebhook(runtime.url, 'installation', {
    action: 'created',
    installation: { id: installationId, account: { ...account, type: 'Organization' } },
    repositories,
  });
  expect(response.status).toBe(202);
  while ((await runtime.queues.pollOnce('intake')) > 0);
}

const orgRows = () =>
  withSystem(runtime.db, (trx) =>
    trx
      .selectFrom('orgs')
      .select(['id', 'github_account_id', 'login', 'renamed_at'])
      .orderBy('created_at')
      .execute(),
  );

describe('organisation logins are unique among live organisations', () => {
  it('marks the older row renamed when another account claims its login, so lookups find one tenant', async () => {
    await install(801, { id: 5001, login: 'acme' });
    const [original] = await orgRows();
    const ownerId = await seedUser(runtime.db, 'acme-owner', { orgId: original!.id, role: 'owner' });
    const owner = (await seedSession(runtime.db, ownerId)).token;
    expect((await callApi(runtime.url, owner, 'GET', '/orgs/acme/members')).status).toBe(200);

    // Another GitHub account now carries the login (acme renamed itself; someone took the name).
    await install(802, { id: 5002, login: 'ACME' });
    const rows = await orgRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ github_account_id: '5001', renamed_at: expect.any(Date) });
    expect(rows[1]).toMatchObject({ github_account_id: '5002', login: 'ACME', renamed_at: null });
    // The login names the new account only: the old tenant's data is not served under it.
    expect((await callApi(runtime.url, owner, 'GET', '/orgs/acme/members')).status).toBe(404);

    // The renamed account shows up again with its new login: live again, its owner back in.
    await install(801, { id: 5001, login: 'acme-legacy' });
    const [legacy] = await orgRows();
    expect(legacy).toMatchObject({ login: 'acme-legacy', renamed_at: null });
    expect((await callApi(runtime.url, owner, 'GET', '/orgs/acme-legacy/members')).status).toBe(200);
  });

  it('refuses a second live organisation with the same login in the database', async () => {
    const insert = (id: number, login: string) =>
      withSystem(runtime.db, (trx) =>
        trx
          .insertInto('orgs')
          .values({ github_account_id: id, login, account_type: 'Organization' })
          .execute(),
      );
    await insert(6001, 'globex');
    await expect(insert(6002, 'GlobeX')).rejects.toThrow(/orgs_live_login_key/);
  });
});

describe('repository full names are unique among live repositories', () => {
  it('marks the older repository renamed when another repository (new GitHub id) takes its full name', async () => {
    await install(901, { id: 7001, login: 'initech' }, [{ id: 71, name: 'tps', full_name: 'initech/tps' }]);
    // The repository was deleted and a new one created under the same name.
    await install(901, { id: 7001, login: 'initech' }, [{ id: 72, name: 'tps', full_name: 'initech/TPS' }]);
    const rows = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('repositories')
        .select(['github_id', 'renamed_at'])
        .where(sql`lower(full_name)`, '=', 'initech/tps')
        .orderBy('created_at')
        .execute(),
    );
    expect(rows).toEqual([
      { github_id: '71', renamed_at: expect.any(Date) },
      { github_id: '72', renamed_at: null },
    ]);
    await expect(
      withSystem(runtime.db, (trx) =>
        trx.updateTable('repositories').set({ renamed_at: null }).where('github_id', '=', '71').execute(),
      ),
    ).rejects.toThrow(/repositories_live_full_name_key/);
  });
});
