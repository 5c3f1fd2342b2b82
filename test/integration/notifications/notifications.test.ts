import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { seedApiToken, seedOrg, seedSession, seedUser, TEST_SESSION_SECRET } from '../../support/identity.ts';
import {
  fail,
  INSTALLATION_ID,
  junit,
  pass,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';
import { postWebhook } from '../../support/webhooks.ts';

let h: ValidationHarness;
let acmeId: string;

interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  subject: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}
interface NotificationList {
  notifications: NotificationView[];
  nextCursor: string | null;
  unread: number;
}

/** Session tokens and ids of the people in these tests. */
const token: Record<string, string> = {};
const userId: Record<string, string> = {};

async function api<T = unknown>(
  method: string,
  path: string,
  bearer: string | undefined,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.runtime.url}${path}`, {
    method,
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const list = (who: string, query = '', org = 'acme') =>
  api<NotificationList>('GET', `/api/v1/orgs/${org}/notifications${query}`, token[who]);

async function openPull(): Promise<{ sha: string; number: number }> {
  const sha = await h.openPull();
  return { sha, number: h.lastPull };
}

/** Every notification row, read as the system role (row-level security is forced on the table). */
function allNotifications() {
  return withSystem(h.runtime.db, (trx) =>
    trx.selectFrom('notifications').select(['user_id', 'kind', 'dedupe_key', 'org_id']).execute(),
  );
}

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  h = await startValidationHarness();
  acmeId = await withSystem(h.runtime.db, async (trx) => {
    const org = await trx
      .selectFrom('orgs')
      .select('id')
      .where('login', '=', 'acme')
      .executeTakeFirstOrThrow();
    return org.id;
  });
  const globexId = await seedOrg(h.runtime.db, 'globex');
  const people = [
    ['alice', { orgId: acmeId, role: 'member' }],
    ['bob', { orgId: acmeId, role: 'viewer' }],
    ['carol', { orgId: acmeId, role: 'member' }],
    ['erin', { orgId: acmeId, role: 'member' }],
    ['dave', { orgId: globexId, role: 'owner' }],
  ] as const;
  for (const [login, membership] of people) {
    userId[login] = await seedUser(h.runtime.db, login, membership);
    token[login] = (await seedSession(h.runtime.db, userId[login]!)).token;
  }
});

afterAll(async () => {
  await h.dispose();
});

describe('following a repository', () => {
  it('is idempotent both ways, audited once per change, and open to viewers', async () => {
    expect(await api('PUT', '/api/v1/repos/acme/widgets/follow', token.alice)).toEqual({
      status: 200,
      body: { following: true },
    });
    expect(await api('PUT', '/api/v1/repos/acme/widgets/follow', token.alice)).toEqual({
      status: 200,
      body: { following: true },
    });
    expect(await api('DELETE', '/api/v1/repos/acme/widgets/follow', token.alice)).toEqual({
      status: 200,
      body: { following: false },
    });
    expect(await api('DELETE', '/api/v1/repos/acme/widgets/follow', token.alice)).toEqual({
      status: 200,
      body: { following: false },
    });
    expect((await api('PUT', '/api/v1/repos/ACME/Widgets/follow', token.alice)).status).toBe(200);
    expect((await api('PUT', '/api/v1/repos/acme/widgets/follow', token.bob)).status).toBe(200);
    expect((await api('PUT', '/api/v1/repos/acme/widgets/follow', token.erin)).status).toBe(200);

    const { follows, audit } = await withTenant(h.runtime.db, acmeId, async (trx) => ({
      follows: await trx.selectFrom('repository_follows').select('user_id').execute(),
      audit: await trx
        .selectFrom('audit_events')
        .select(['action', 'actor_id'])
        .where('action', 'like', 'repository.%')
        .where('actor_id', '=', userId.alice!)
        .orderBy('id')
        .execute(),
    }));
    expect(follows.map((f) => f.user_id).sort()).toEqual(
      [userId.alice, userId.bob, userId.erin].map(String).sort(),
    );
    expect(audit.map((a) => a.action)).toEqual([
      'repository.followed',
      'repository.unfollowed',
      'repository.followed',
    ]);
  });

  it('answers 404 for an unknown repository and for an organisation the caller is not in', async () => {
    expect((await api('PUT', '/api/v1/repos/acme/no-such-repo/follow', token.alice)).status).toBe(404);
    expect((await api('DELETE', '/api/v1/repos/acme/no-such-repo/follow', token.alice)).status).toBe(404);
    expect((await api('PUT', '/api/v1/repos/acme/widgets/follow', token.dave)).status).toBe(404);
    expect((await api('GET', '/api/v1/orgs/acme/notifications', token.dave)).status).toBe(404);
  });

  it('refuses an API token that belongs to no user: it has no inbox', async () => {
    const orphan = await seedApiToken(h.runtime.db, acmeId, 'admin');
    const refused = await api<{ error: { code: string } }>(
      'PUT',
      '/api/v1/repos/acme/widgets/follow',
      orphan.token,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('user_required');
    expect((await api('GET', '/api/v1/orgs/acme/notifications', orphan.token)).status).toBe(403);
  });
});

describe('notifications when a validation concludes', () => {
  let failed: { sha: string; number: number };

  it('notifies every member who follows the repository, and no one else, when validation fails', async () => {
    // Erin followed, then left the organisation: a follow without a membership notifies no one.
    await withTenant(h.runtime.db, acmeId, (trx) =>
      trx.deleteFrom('memberships').where('user_id', '=', userId.erin!).execute(),
    );
    failed = await openPull();
    await h.upload(failed.sha, '2001', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));

    const rows = await allNotifications();
    expect(rows.map((r) => r.user_id).sort()).toEqual([userId.alice, userId.bob].map(String).sort());
    expect(rows.every((r) => r.org_id === acmeId)).toBe(true);

    const alice = await list('alice');
    expect(alice.status).toBe(200);
    expect(alice.body.unread).toBe(1);
    expect(alice.body.nextCursor).toBeNull();
    expect(alice.body.notifications).toEqual([
      {
        id: expect.any(String),
        kind: 'validation_failed',
        title: `Validation failed: acme/widgets#${failed.number}`,
        body: `2 criteria on ${failed.sha.slice(0, 7)}: 1 passed, 1 failed, 0 skipped, 0 missing.`,
        link: expect.stringMatching(
          new RegExp(`://[^/]+/repos/acme/widgets/pulls/${failed.number}\\?sha=${failed.sha}$`),
        ),
        subject: {
          repository: 'acme/widgets',
          pullNumber: failed.number,
          headSha: failed.sha,
          conclusion: 'failure',
        },
        readAt: null,
        createdAt: expect.any(String),
      },
    ]);
    expect((await list('bob')).body.notifications.map((n) => n.kind)).toEqual(['validation_failed']);
    expect((await list('carol')).body).toEqual({ notifications: [], nextCursor: null, unread: 0 });
    expect((await list('dave', '', 'globex')).body).toEqual({
      notifications: [],
      nextCursor: null,
      unread: 0,
    });
  });

  it('adds nothing when the same report is processed again or the same SHA is validated again', async () => {
    const before = await withTenant(h.runtime.db, acmeId, (trx) =>
      trx
        .selectFrom('validations')
        .select(sql<string>`updated_at::text`.as('at'))
        .where('head_sha', '=', failed.sha)
        .executeTakeFirstOrThrow(),
    );
    const key = await withTenant(h.runtime.db, acmeId, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
        .select('ci_uploads.object_key')
        .where('ci_runs.head_sha', '=', failed.sha)
        .executeTakeFirstOrThrow(),
    );
    const record = {
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: getConfig().ASSAY_S3_BUCKET }, object: { key: key.object_key, size: 10 } },
    };
    await sendLocalMessage(h.runtime.db, 'reports', JSON.stringify({ Records: [record] }));
    await h.drain();
    // A completed workflow run validates the SHA again from its stored reports.
    await postWebhook(h.runtime.url, 'workflow_run', {
      action: 'completed',
      installation: { id: INSTALLATION_ID },
      repository,
      workflow_run: { id: 88, head_sha: failed.sha, pull_requests: [] },
    });
    await h.drain();
    const after = await withTenant(h.runtime.db, acmeId, (trx) =>
      trx
        .selectFrom('validations')
        .select(['conclusion', sql<string>`updated_at::text`.as('at')])
        .where('head_sha', '=', failed.sha)
        .executeTakeFirstOrThrow(),
    );
    expect(after.conclusion).toBe('failure');
    expect(after.at).not.toBe(before.at);
    expect(await allNotifications()).toHaveLength(2);
  });

  it('notifies no one when validation asks for action', async () => {
    const pull = await openPull();
    await h.upload(pull.sha, '2002', junit(pass('T1::shows an error')));
    const conclusion = await withTenant(h.runtime.db, acmeId, (trx) =>
      trx
        .selectFrom('validations')
        .select('conclusion')
        .where('head_sha', '=', pull.sha)
        .executeTakeFirstOrThrow(),
    );
    expect(conclusion.conclusion).toBe('action_required');
    expect(await allNotifications()).toHaveLength(2);
  });

  it('notifies again when the same SHA later passes', async () => {
    // The failing criterion is dropped from the issue; revalidating the pull request then passes.
    h.issue.body = '## Acceptance criteria\n- User sees an error when the email is invalid\n';
    await postWebhook(h.runtime.url, 'issues', {
      action: 'edited',
      installation: { id: INSTALLATION_ID },
      repository,
      issue: { number: h.issue.number, title: h.issue.title, state: 'open' },
    });
    await h.drain();
    const revalidate = await api(
      'POST',
      `/api/v1/repos/acme/widgets/pulls/${failed.number}/revalidate`,
      token.alice,
    );
    expect(revalidate.status).toBe(202);
    await h.drain();
    // Issue 19 changed the gate: in `all` mode every failing test blocks, the dropped criterion's T2
    // test too, so revalidating alone no longer passes (and notifies nothing new). CI re-runs the SHA,
    // T2 passes this time — flaky on the SHA — and with flaky tests quarantined the check passes.
    expect(h.checkOf(failed.sha)[0]).toMatchObject({ conclusion: 'failure' });
    expect(await allNotifications()).toHaveLength(2);
    const admin = (await seedApiToken(h.runtime.db, acmeId, 'admin')).token;
    const quarantine = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quarantineFlaky: true }),
    });
    expect(quarantine.status).toBe(200);
    await h.upload(failed.sha, '2003', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    expect(h.checkOf(failed.sha)[0]).toMatchObject({ conclusion: 'success' });

    const alice = await list('alice');
    expect(alice.body.notifications.map((n) => [n.kind, n.subject.headSha])).toEqual([
      ['validation_passed', failed.sha],
      ['validation_failed', failed.sha],
    ]);
    expect(alice.body.notifications[0]).toMatchObject({
      title: `Validation passed: acme/widgets#${failed.number}`,
      body: `1 criteria on ${failed.sha.slice(0, 7)}: 1 passed, 0 failed, 0 skipped, 0 missing.`,
      subject: { conclusion: 'success', pullNumber: failed.number },
    });
    expect((await list('bob')).body.notifications).toHaveLength(2);
    const repositoryId = await withTenant(h.runtime.db, acmeId, async (trx) => {
      const row = await trx.selectFrom('repositories').select('id').executeTakeFirstOrThrow();
      return row.id;
    });
    const keys = (await allNotifications()).map((r) => r.dedupe_key).sort();
    const changed = new RegExp(
      `^validation:${repositoryId}:${failed.sha}:success:after:\\d{4}-\\d\\d-\\d\\dT`,
    );
    expect(keys).toEqual([
      `validation:${repositoryId}:${failed.sha}:failure`,
      `validation:${repositoryId}:${failed.sha}:failure`,
      expect.stringMatching(changed),
      expect.stringMatching(changed),
    ]);
  });
});

describe('reading notifications', () => {
  it('pages newest first with a cursor and filters unread ones', async () => {
    // Three more for Alice, older than the two validations, each at its own time.
    await withTenant(h.runtime.db, acmeId, (trx) =>
      trx
        .insertInto('notifications')
        .values(
          [1, 2, 3].map((i) => ({
            org_id: acmeId,
            user_id: userId.alice!,
            kind: 'test',
            title: `Older ${i}`,
            body: '',
            link: null,
            dedupe_key: `test:${i}`,
            created_at: new Date(Date.UTC(2020, 0, i)),
          })),
        )
        .execute(),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list('alice', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.unread).toBe(5);
      seen.push(...res.body.notifications.map((n) => n.title));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.slice(2)).toEqual(['Older 3', 'Older 2', 'Older 1']);
    expect(seen.slice(0, 2).map((t) => t.split(':')[0])).toEqual(['Validation passed', 'Validation failed']);

    expect((await list('alice', '?cursor=not-a-cursor')).status).toBe(400);
    expect((await list('alice', '?unread=maybe')).status).toBe(400);
  });

  it('marks one read (only the owner may), keeps the first readAt, and filters it out of unread', async () => {
    const first = (await list('alice')).body.notifications[0]!;
    const read = await api<NotificationView>(
      'POST',
      `/api/v1/orgs/acme/notifications/${first.id}/read`,
      token.alice,
    );
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, kind: first.kind, readAt: expect.any(String) });
    const again = await api<NotificationView>(
      'POST',
      `/api/v1/orgs/acme/notifications/${first.id}/read`,
      token.alice,
    );
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = await list('alice', '?unread=true');
    expect(unread.body.unread).toBe(4);
    expect(unread.body.notifications.map((n) => n.id)).not.toContain(first.id);
    expect(unread.body.notifications).toHaveLength(4);
    expect((await list('alice', '?unread=false')).body.notifications).toHaveLength(5);

    // Bob is in the same organisation but it is not his: 404, as for an unknown id.
    const bobs = await api('POST', `/api/v1/orgs/acme/notifications/${first.id}/read`, token.bob);
    expect(bobs.status).toBe(404);
    expect(
      (await api('POST', `/api/v1/orgs/acme/notifications/${randomUUID()}/read`, token.alice)).status,
    ).toBe(404);
    expect((await api('POST', '/api/v1/orgs/acme/notifications/nope/read', token.alice)).status).toBe(400);
    // Dave is not in acme at all.
    expect((await api('POST', `/api/v1/orgs/acme/notifications/${first.id}/read`, token.dave)).status).toBe(
      404,
    );
  });

  it("marks all of the caller's notifications read and returns how many", async () => {
    expect(await api('POST', '/api/v1/orgs/acme/notifications/read-all', token.alice)).toEqual({
      status: 200,
      body: { marked: 4 },
    });
    expect(await api('POST', '/api/v1/orgs/acme/notifications/read-all', token.alice)).toEqual({
      status: 200,
      body: { marked: 0 },
    });
    const alice = await list('alice', '?unread=true');
    expect(alice.body).toEqual({ notifications: [], nextCursor: null, unread: 0 });
    // Bob's stay unread.
    expect((await list('bob')).body.unread).toBe(2);
  });

  it('shows an API token the notifications of the user it belongs to', async () => {
    const bobs = await seedApiToken(h.runtime.db, acmeId, 'viewer', { userId: userId.bob });
    const viaToken = await api<NotificationList>('GET', '/api/v1/orgs/acme/notifications', bobs.token);
    expect(viaToken.status).toBe(200);
    expect(viaToken.body).toEqual((await list('bob')).body);
    expect(viaToken.body.notifications).toHaveLength(2);
  });
});
