import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/roles.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import {
  auditEventsOf,
  type SeededOrg,
  seedApiToken,
  seedOrgWithMembers,
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;

type Org = SeededOrg;

const org = (login: string, members: Record<string, Role>) => seedOrgWithMembers(runtime.db, login, members);

const call = (bearer: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, bearer, method, path, body);

const setRole = (o: Org, as: string, who: string, role: Role) =>
  call(o.as[as]!, 'PATCH', `/orgs/${o.login}/members/${o.login}-${who}`, { role });
const remove = (o: Org, as: string, who: string) =>
  call(o.as[as]!, 'DELETE', `/orgs/${o.login}/members/${o.login}-${who}`);

async function roleOf(o: Org, who: string): Promise<string | undefined> {
  const row = await withSystem(runtime.db, (trx) =>
    trx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', o.id)
      .where('user_id', '=', o.users[who]!)
      .executeTakeFirst(),
  );
  return row?.role;
}

const audits = (orgId: string, action: string) => auditEventsOf(runtime.db, orgId, action);

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  runtime = await startTestRuntime();
});

afterAll(async () => {
  await runtime.dispose();
});

describe('GET /api/v1/orgs/{org}/members', () => {
  it('lists members by login with their user, role, source and since, a page at a time', async () => {
    const o = await org('pager', {
      erin: 'owner',
      carl: 'admin',
      bea: 'member',
      dan: 'viewer',
      al: 'viewer',
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await call(o.as.dan!, 'GET', `/orgs/pager/members${query}`);
      expect(res.status).toBe(200);
      expect(res.body.members.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.members.map((m: { user: { login: string } }) => m.user.login));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['pager-al', 'pager-bea', 'pager-carl', 'pager-dan', 'pager-erin']);

    const all = await call(o.as.dan!, 'GET', '/orgs/PAGER/members');
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.members[0]).toEqual({
      user: { id: o.users.al, login: 'pager-al', name: 'pager-al', avatarUrl: null },
      role: 'viewer',
      source: 'cli',
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(Object.fromEntries(all.body.members.map((m: any) => [m.user.login, m.role]))).toEqual({
      'pager-al': 'viewer',
      'pager-bea': 'member',
      'pager-carl': 'admin',
      'pager-dan': 'viewer',
      'pager-erin': 'owner',
    });
  });

  it('answers a bad cursor with 400 and never lists another organisation’s members', async () => {
    const a = await org('lista', { owner: 'owner' });
    const b = await org('listb', { owner: 'owner', extra: 'member' });
    expect((await call(a.as.owner!, 'GET', '/orgs/lista/members?cursor=Not%20A%20Login')).status).toBe(400);
    const res = await call(a.as.owner!, 'GET', '/orgs/lista/members');
    expect(res.body.members.map((m: any) => m.user.login)).toEqual(['lista-owner']);
    // A member of A asking for B: 404, as if B did not exist.
    expect((await call(a.as.owner!, 'GET', '/orgs/listb/members')).status).toBe(404);
    // An API token of A asking for B: 404 too.
    const token = await seedApiToken(runtime.db, a.id, 'owner');
    expect((await call(token.token, 'GET', '/orgs/listb/members')).status).toBe(404);
    expect((await call(b.as.extra!, 'GET', '/orgs/listb/members')).body.members).toHaveLength(2);
  });
});

describe('PATCH /api/v1/orgs/{org}/members/{login}', () => {
  it('changes a role, answers with the member and audits who changed what', async () => {
    const o = await org('rolechg', { olga: 'owner', bob: 'member' });
    const res = await setRole(o, 'olga', 'bob', 'admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: o.users.bob, login: 'rolechg-bob' }, role: 'admin' });
    expect(await roleOf(o, 'bob')).toBe('admin');
    const [event] = await audits(o.id, 'member.role_changed');
    expect(event).toMatchObject({
      actor_type: 'user',
      actor_id: o.users.olga,
      actor_login: 'rolechg-olga',
      target_type: 'user',
      target_id: o.users.bob,
      details: { login: 'rolechg-bob', from: 'member', to: 'admin', revokedTokens: 0 },
    });
    // The login is matched without regard to case; an unchanged role writes no audit row.
    const same = await call(o.as.olga!, 'PATCH', '/orgs/rolechg/members/ROLECHG-BOB', { role: 'admin' });
    expect(same.status).toBe(200);
    expect(await audits(o.id, 'member.role_changed')).toHaveLength(1);
  });

  it('lets only an owner grant or take away owner; an admin cannot change an owner', async () => {
    const o = await org('ownerrule', { olga: 'owner', ada: 'admin', mel: 'member', vic: 'viewer' });
    const grant = await setRole(o, 'ada', 'mel', 'owner');
    expect(grant.status).toBe(403);
    expect(grant.body.error.code).toBe('owner_required');
    expect((await setRole(o, 'ada', 'olga', 'admin')).status).toBe(403);
    expect((await setRole(o, 'ada', 'ada', 'owner')).status).toBe(403);
    expect(await roleOf(o, 'olga')).toBe('owner');
    // An admin may move non-owners around, itself included.
    expect((await setRole(o, 'ada', 'vic', 'admin')).status).toBe(200);
    expect((await setRole(o, 'ada', 'mel', 'viewer')).status).toBe(200);
    // The owner may grant owner.
    expect((await setRole(o, 'olga', 'mel', 'owner')).status).toBe(200);
    expect(await roleOf(o, 'mel')).toBe('owner');
    // Members and viewers may not change roles at all (the permission table).
    const o2 = await org('ownerrule2', { olga: 'owner', mel: 'member', vic: 'viewer' });
    expect((await setRole(o2, 'mel', 'vic', 'member')).status).toBe(403);
    expect(await audits(o2.id, 'member.role_changed')).toHaveLength(0);
  });

  it('never demotes the last owner (409 last_owner), but lets one of two owners go', async () => {
    const o = await org('lastowner', { olga: 'owner', otto: 'owner' });
    expect((await setRole(o, 'olga', 'otto', 'admin')).status).toBe(200);
    const last = await setRole(o, 'olga', 'olga', 'admin');
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');
    expect(await roleOf(o, 'olga')).toBe('owner');
    // An owner API token cannot do it either.
    const token = await seedApiToken(runtime.db, o.id, 'owner');
    expect(
      (await call(token.token, 'PATCH', '/orgs/lastowner/members/lastowner-olga', { role: 'viewer' })).status,
    ).toBe(409);
  });

  it('revokes the member’s API tokens that would outrank the new role', async () => {
    const o = await org('tokcap', { olga: 'owner', ada: 'admin' });
    const strong = await seedApiToken(runtime.db, o.id, 'admin', { userId: o.users.ada });
    const weak = await seedApiToken(runtime.db, o.id, 'viewer', { userId: o.users.ada });
    expect((await setRole(o, 'olga', 'ada', 'member')).status).toBe(200);
    expect((await call(strong.token, 'GET', '/orgs/tokcap/members')).status).toBe(401);
    expect((await call(weak.token, 'GET', '/orgs/tokcap/members')).status).toBe(200);
    const [event] = await audits(o.id, 'member.role_changed');
    expect(event?.details).toMatchObject({ revokedTokens: 1 });
  });

  it('answers 404 for an unknown login, a user of another organisation, and 400 for a bad body', async () => {
    const o = await org('unknowns', { olga: 'owner' });
    await org('elsewhere', { bob: 'member' });
    expect((await call(o.as.olga!, 'PATCH', '/orgs/unknowns/members/nobody', { role: 'admin' })).status).toBe(
      404,
    );
    expect(
      (await call(o.as.olga!, 'PATCH', '/orgs/unknowns/members/elsewhere-bob', { role: 'admin' })).status,
    ).toBe(404);
    expect(
      (await call(o.as.olga!, 'PATCH', '/orgs/unknowns/members/unknowns-olga', { role: 'king' })).status,
    ).toBe(400);
  });
});

describe('DELETE /api/v1/orgs/{org}/members/{login}', () => {
  it('removes a member, revokes their tokens in the organisation, audits it, and locks them out', async () => {
    const o = await org('removal', { olga: 'owner', bob: 'member' });
    const bobsToken = await seedApiToken(runtime.db, o.id, 'member', { userId: o.users.bob });
    const res = await remove(o, 'olga', 'bob');
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await roleOf(o, 'bob')).toBeUndefined();
    expect((await call(o.as.bob!, 'GET', '/orgs/removal/members')).status).toBe(404);
    expect((await call(bobsToken.token, 'GET', '/orgs/removal/members')).status).toBe(401);
    const [event] = await audits(o.id, 'member.removed');
    expect(event).toMatchObject({
      actor_id: o.users.olga,
      target_type: 'user',
      target_id: o.users.bob,
      details: { login: 'removal-bob', role: 'member', revokedTokens: 1 },
    });
    expect((await remove(o, 'olga', 'bob')).status).toBe(404);
  });

  it('lets only an owner remove an owner, and never the last one', async () => {
    const o = await org('rmowner', { olga: 'owner', otto: 'owner', ada: 'admin' });
    const denied = await remove(o, 'ada', 'otto');
    expect(denied.status).toBe(403);
    expect(await roleOf(o, 'otto')).toBe('owner');
    expect((await remove(o, 'olga', 'otto')).status).toBe(204);
    const last = await remove(o, 'olga', 'olga');
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');
    expect(await roleOf(o, 'olga')).toBe('owner');
    // An admin may remove another admin, or leave.
    expect((await remove(o, 'ada', 'ada')).status).toBe(204);
    expect((await audits(o.id, 'member.removed')).map((e) => e.target_id)).toEqual([
      o.users.otto,
      o.users.ada,
    ]);
  });

  it('keeps one owner when two owners try to remove each other at once', async () => {
    const o = await org('race', { olga: 'owner', otto: 'owner' });
    const results = await Promise.all([remove(o, 'olga', 'otto'), remove(o, 'otto', 'olga')]);
    const statuses = results.map((r) => r.status).sort();
    // Either one removal wins and the other finds its caller gone (404) or the last owner (409).
    expect(statuses[0]).toBe(204);
    expect([404, 409]).toContain(statuses[1]);
    const owners = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', '=', o.id)
        .where('role', '=', 'owner')
        .execute(),
    );
    expect(owners).toHaveLength(1);
  });
});
