import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/roles.ts';
import { hashToken } from '../../../shared/auth/secrets.ts';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { bracketed, expectOffsetWithin } from '../../support/clock.ts';
import {
  auditEventsOf,
  type SeededOrg,
  seedApiToken,
  seedOrgWithMembers,
  seedSession,
  seedUser,
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;

type Org = SeededOrg;

const org = (login: string, members: Record<string, Role>) => seedOrgWithMembers(runtime.db, login, members);

/** A signed-in user who belongs to no organisation yet. */
async function outsider(login: string): Promise<{ id: string; token: string }> {
  const id = await seedUser(runtime.db, login);
  return { id, token: (await seedSession(runtime.db, id)).token };
}

const call = (bearer: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, bearer, method, path, body);

const invite = (o: Org, as: string, body: Record<string, unknown>) =>
  call(o.as[as]!, 'POST', `/orgs/${o.login}/invitations`, body);
const accept = (bearer: string, token: string) => call(bearer, 'POST', '/invitations/accept', { token });

async function membership(orgId: string, userId: string) {
  return withSystem(runtime.db, (trx) =>
    trx
      .selectFrom('memberships')
      .select(['role', 'source'])
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
  );
}

const audits = (orgId: string, action: string) => auditEventsOf(runtime.db, orgId, action);

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  runtime = await startTestRuntime();
});

afterAll(async () => {
  await runtime.dispose();
});

describe('POST /api/v1/orgs/{org}/invitations', () => {
  it('returns the token once, stores only its hash, and audits the invitation', async () => {
    const o = await org('invco', { ada: 'admin' });
    const { result: res, ...clock } = await bracketed(() =>
      invite(o, 'ada', { role: 'member', expiresInDays: 3 }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      role: 'member',
      login: null,
      status: 'pending',
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
      token: expect.stringMatching(/^assay_inv_[A-Za-z0-9_-]{43}$/),
    });
    expectOffsetWithin(res.body.expiresAt, clock, 3 * 86_400_000);

    const row = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('invitations').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow(),
    );
    expect(row.token_hash).toBe(hashToken(res.body.token));
    expect(JSON.stringify(row)).not.toContain(res.body.token);
    expect(row.created_by).toBe(o.users.ada);

    const listed = await call(o.as.ada!, 'GET', '/orgs/invco/invitations');
    expect(listed.status).toBe(200);
    const { token: _shownOnce, ...invitation } = res.body;
    expect(listed.body.invitations).toEqual([invitation]);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.token);

    const [event] = await audits(o.id, 'invitation.created');
    expect(event).toMatchObject({
      actor_id: o.users.ada,
      target_type: 'invitation',
      target_id: res.body.id,
      details: { role: 'member', login: null },
    });
    expect(JSON.stringify(event)).not.toContain(res.body.token);
  });

  it('defaults to seven days, refuses the owner role (400) and members and viewers (403)', async () => {
    const o = await org('invrules', { olga: 'owner', mel: 'member' });
    const { result: res, ...clock } = await bracketed(() =>
      invite(o, 'olga', { role: 'viewer', login: 'Someone' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.login).toBe('Someone');
    expectOffsetWithin(res.body.expiresAt, clock, 7 * 86_400_000);
    expect((await invite(o, 'olga', { role: 'owner' })).status).toBe(400);
    expect((await invite(o, 'olga', { role: 'admin', expiresInDays: 31 })).status).toBe(400);
    expect((await invite(o, 'mel', { role: 'viewer' })).status).toBe(403);
    expect(await audits(o.id, 'invitation.created')).toHaveLength(1);
  });
});

describe('POST /api/v1/invitations/accept', () => {
  it('makes the user a member with the invited role, once; a second accept is a 404', async () => {
    const o = await org('accept1', { ada: 'admin' });
    const created = await invite(o, 'ada', { role: 'member' });
    const newcomer = await outsider('newcomer1');
    expect((await call(newcomer.token, 'GET', '/orgs/accept1/members')).status).toBe(404);

    const res = await accept(newcomer.token, created.body.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: o.id, login: 'accept1', accountType: 'Organization', role: 'member' });
    expect(await membership(o.id, newcomer.id)).toEqual({ role: 'member', source: 'invitation' });
    expect((await call(newcomer.token, 'GET', '/orgs/accept1/members')).status).toBe(200);

    const row = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('invitations')
        .select(['accepted_at', 'accepted_by'])
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow(),
    );
    expect(row.accepted_by).toBe(newcomer.id);
    expect(row.accepted_at).not.toBeNull();
    const listed = await call(o.as.ada!, 'GET', '/orgs/accept1/invitations');
    expect(listed.body.invitations[0].status).toBe('accepted');

    const again = await accept(newcomer.token, created.body.token);
    expect(again.status).toBe(404);
    const other = await outsider('latecomer1');
    expect((await accept(other.token, created.body.token)).status).toBe(404);
    expect(await membership(o.id, other.id)).toBeUndefined();

    const events = await audits(o.id, 'invitation.accepted');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor_type: 'user',
      actor_id: newcomer.id,
      actor_login: 'newcomer1',
      target_type: 'invitation',
      target_id: created.body.id,
      details: { invitedRole: 'member', role: 'member', previousRole: null },
    });
  });

  it('lets exactly one of many concurrent accepts of one token through', async () => {
    const o = await org('accept2', { ada: 'admin' });
    const created = await invite(o, 'ada', { role: 'viewer' });
    const users = await Promise.all([0, 1, 2, 3, 4].map((i) => outsider(`racer${i}`)));
    const results = await Promise.all(users.map((u) => accept(u.token, created.body.token)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404, 404, 404]);
    const joined = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', '=', o.id)
        .where('source', '=', 'invitation')
        .execute(),
    );
    expect(joined).toHaveLength(1);
    expect(await audits(o.id, 'invitation.accepted')).toHaveLength(1);
  });

  it('accepts an invitation bound to a login only from that login (any case)', async () => {
    const o = await org('bound', { ada: 'admin' });
    const intended = await outsider('Intended-One');
    const intruder = await outsider('intruder');
    const created = await invite(o, 'ada', { role: 'member', login: 'intended-one' });
    expect((await accept(intruder.token, created.body.token)).status).toBe(404);
    expect(await membership(o.id, intruder.id)).toBeUndefined();
    expect((await call(o.as.ada!, 'GET', '/orgs/bound/invitations')).body.invitations[0].status).toBe(
      'pending',
    );
    expect((await accept(intended.token, created.body.token)).status).toBe(200);
    expect(await membership(o.id, intended.id)).toEqual({ role: 'member', source: 'invitation' });
  });

  it('leaves an existing member with the stronger of their role and the invited one', async () => {
    const o = await org('stronger', { ada: 'admin', vic: 'viewer', olga: 'owner' });
    const weaker = await invite(o, 'olga', { role: 'viewer' });
    const res = await accept(o.as.ada!, weaker.body.token);
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('admin');
    expect(await membership(o.id, o.users.ada!)).toEqual({ role: 'admin', source: 'cli' });

    const stronger = await invite(o, 'olga', { role: 'admin' });
    const up = await accept(o.as.vic!, stronger.body.token);
    expect(up.body.role).toBe('admin');
    expect(await membership(o.id, o.users.vic!)).toEqual({ role: 'admin', source: 'cli' });
    const [, event] = await audits(o.id, 'invitation.accepted');
    expect(event?.details).toMatchObject({ invitedRole: 'admin', role: 'admin', previousRole: 'viewer' });
  });

  it('refuses an API token (403), and an unknown, malformed, revoked or expired token (404)', async () => {
    const o = await org('refuse', { ada: 'admin' });
    const created = await invite(o, 'ada', { role: 'member' });
    const apiToken = await seedApiToken(runtime.db, o.id, 'owner');
    const byToken = await accept(apiToken.token, created.body.token);
    expect(byToken.status).toBe(403);
    expect(byToken.body.error.code).toBe('user_required');

    const user = await outsider('refused-user');
    expect((await accept(user.token, 'assay_inv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(
      404,
    );
    expect((await accept(user.token, 'something-else-entirely')).status).toBe(404);
    expect((await accept(user.token, 'short')).status).toBe(400);

    const expired = await invite(o, 'ada', { role: 'member' });
    await withTenant(runtime.db, o.id, (trx) =>
      sql`update invitations set expires_at = now() - interval '1 second' where id = ${expired.body.id}`.execute(
        trx,
      ),
    );
    expect((await accept(user.token, expired.body.token)).status).toBe(404);
    const list = await call(o.as.ada!, 'GET', '/orgs/refuse/invitations');
    const statuses = Object.fromEntries(list.body.invitations.map((i: any) => [i.id, i.status]));
    expect(statuses[expired.body.id]).toBe('expired');
    expect(statuses[created.body.id]).toBe('pending');
    expect(await membership(o.id, user.id)).toBeUndefined();
  });
});

describe('DELETE /api/v1/orgs/{org}/invitations/{id}', () => {
  it('revokes a pending invitation, which then cannot be accepted, and audits it', async () => {
    const o = await org('revoke', { ada: 'admin' });
    const created = await invite(o, 'ada', { role: 'member' });
    const res = await call(o.as.ada!, 'DELETE', `/orgs/revoke/invitations/${created.body.id}`);
    expect(res.status).toBe(204);
    const user = await outsider('too-late');
    expect((await accept(user.token, created.body.token)).status).toBe(404);
    const listed = await call(o.as.ada!, 'GET', '/orgs/revoke/invitations');
    expect(listed.body.invitations[0]).toMatchObject({ id: created.body.id, status: 'revoked' });
    const [event] = await audits(o.id, 'invitation.revoked');
    expect(event).toMatchObject({
      actor_id: o.users.ada,
      target_type: 'invitation',
      target_id: created.body.id,
    });
    // Revoking again changes nothing.
    expect((await call(o.as.ada!, 'DELETE', `/orgs/revoke/invitations/${created.body.id}`)).status).toBe(204);
    expect(await audits(o.id, 'invitation.revoked')).toHaveLength(1);
  });

  it('answers 404 for unknown ids and other organisations’ invitations, 409 once accepted', async () => {
    const a = await org('reva', { ada: 'admin' });
    const b = await org('revb', { bob: 'admin' });
    const theirs = await invite(b, 'bob', { role: 'member' });
    expect((await call(a.as.ada!, 'DELETE', `/orgs/reva/invitations/${theirs.body.id}`)).status).toBe(404);
    expect(
      (await call(a.as.ada!, 'DELETE', '/orgs/reva/invitations/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
    expect((await call(a.as.ada!, 'DELETE', '/orgs/reva/invitations/not-a-uuid')).status).toBe(400);
    const user = await outsider('revb-joiner');
    expect((await accept(user.token, theirs.body.token)).status).toBe(200);
    const conflict = await call(b.as.bob!, 'DELETE', `/orgs/revb/invitations/${theirs.body.id}`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('invitation_accepted');
    expect(await audits(a.id, 'invitation.revoked')).toHaveLength(0);
  });
});

describe('GET /api/v1/orgs/{org}/invitations', () => {
  it('pages newest first with a cursor, and only for admins', async () => {
    const o = await org('invpage', { ada: 'admin', mel: 'member' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await invite(o, 'ada', { role: 'viewer' })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/orgs/invpage/invitations?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await call(o.as.ada!, 'GET', path);
      expect(res.status).toBe(200);
      seen.push(...res.body.invitations.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await call(o.as.ada!, 'GET', '/orgs/invpage/invitations?cursor=bogus')).status).toBe(400);
    expect((await call(o.as.mel!, 'GET', '/orgs/invpage/invitations')).status).toBe(403);
  });
});
