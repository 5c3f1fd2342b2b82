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
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;

type Org = SeededOrg;

const org = (login: string, members: Record<string, Role>) => seedOrgWithMembers(runtime.db, login, members);

const call = (bearer: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, bearer, method, path, body);

const create = (bearer: string, o: Org, body: Record<string, unknown>) =>
  call(bearer, 'POST', `/orgs/${o.login}/api-tokens`, body);

const audits = (orgId: string, action: string) => auditEventsOf(runtime.db, orgId, action);

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  runtime = await startTestRuntime();
});

afterAll(async () => {
  await runtime.dispose();
});

describe('POST /api/v1/orgs/{org}/api-tokens', () => {
  it('shows the token once, stores its hash and a display prefix, and the token works as a bearer', async () => {
    const o = await org('tokens1', { ada: 'admin' });
    const { result: res, ...clock } = await bracketed(() =>
      create(o.as.ada!, o, { name: 'ci', role: 'member', expiresInDays: 10 }),
    );
    expect(res.status).toBe(201);
    const token: string = res.body.token;
    expect(token).toMatch(/^assay_pat_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'ci',
      role: 'member',
      prefix: token.slice(0, 14),
      expiresAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.any(String),
      token,
    });
    expectOffsetWithin(res.body.expiresAt, clock, 10 * 86_400_000);

    const row = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('api_tokens').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({
      org_id: o.id,
      user_id: o.users.ada,
      created_by: o.users.ada,
      role: 'member',
      token_hash: hashToken(token),
      prefix: token.slice(0, 14),
    });
    expect(JSON.stringify(row)).not.toContain(token);

    const members = await call(token, 'GET', '/orgs/tokens1/members');
    expect(members.status).toBe(200);
    const me = await call(token, 'GET', '/me');
    expect(me.body.token).toEqual({ id: res.body.id, org: 'tokens1', role: 'member' });
    // A member token may not do admin things.
    expect((await call(token, 'GET', '/orgs/tokens1/api-tokens')).status).toBe(403);

    const listed = await call(o.as.ada!, 'GET', '/orgs/tokens1/api-tokens');
    expect(listed.status).toBe(200);
    const [shown] = listed.body.tokens;
    expect(Object.keys(shown).sort()).toEqual(
      ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role'].sort(),
    );
    expect(shown.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain(row.token_hash);

    const [event] = await audits(o.id, 'api_token.created');
    expect(event).toMatchObject({
      actor_type: 'user',
      actor_id: o.users.ada,
      target_type: 'api_token',
      target_id: res.body.id,
      details: { name: 'ci', role: 'member', prefix: token.slice(0, 14) },
    });
    expect(JSON.stringify(event)).not.toContain(token);
    expect(JSON.stringify(event)).not.toContain(row.token_hash);
  });

  it('refuses a role above the creator’s (403) and defaults to 90 days', async () => {
    const o = await org('tokens2', { olga: 'owner', ada: 'admin', mel: 'member' });
    const tooStrong = await create(o.as.ada!, o, { name: 'x', role: 'owner' });
    expect(tooStrong.status).toBe(403);
    expect(tooStrong.body.error.code).toBe('role_exceeds_caller');
    expect((await create(o.as.mel!, o, { name: 'x', role: 'viewer' })).status).toBe(403);
    const { result: admin, ...adminClock } = await bracketed(() =>
      create(o.as.ada!, o, { name: 'admin-made', role: 'admin' }),
    );
    expect(admin.status).toBe(201);
    expectOffsetWithin(admin.body.expiresAt, adminClock, 90 * 86_400_000);
    expect((await create(o.as.olga!, o, { name: 'root', role: 'owner' })).status).toBe(201);
    // A token creating tokens is bounded by its own role too.
    expect((await create(admin.body.token, o, { name: 'child', role: 'owner' })).status).toBe(403);
    const child = await create(admin.body.token, o, { name: 'child', role: 'viewer' });
    expect(child.status).toBe(201);
    const [, , third] = await audits(o.id, 'api_token.created');
    expect(third).toMatchObject({
      actor_type: 'api_token',
      actor_id: admin.body.id,
      target_id: child.body.id,
    });
    expect((await create(o.as.ada!, o, { name: '', role: 'viewer' })).status).toBe(400);
    expect((await create(o.as.ada!, o, { name: 'x', role: 'viewer', expiresInDays: 0 })).status).toBe(400);
  });
});

describe('DELETE /api/v1/orgs/{org}/api-tokens/{id}', () => {
  it('revokes a token: it stops working at once, the list shows when, and it is audited', async () => {
    const o = await org('tokens3', { ada: 'admin' });
    const created = await create(o.as.ada!, o, { name: 'doomed', role: 'viewer' });
    expect((await call(created.body.token, 'GET', '/orgs/tokens3/members')).status).toBe(200);
    const res = await call(o.as.ada!, 'DELETE', `/orgs/tokens3/api-tokens/${created.body.id}`);
    expect(res.status).toBe(204);
    expect((await call(created.body.token, 'GET', '/orgs/tokens3/members')).status).toBe(401);
    const listed = await call(o.as.ada!, 'GET', '/orgs/tokens3/api-tokens');
    expect(listed.body.tokens[0].revokedAt).toEqual(expect.any(String));
    const [event] = await audits(o.id, 'api_token.revoked');
    expect(event).toMatchObject({
      actor_id: o.users.ada,
      target_type: 'api_token',
      target_id: created.body.id,
    });
    // Revoking again changes nothing.
    expect((await call(o.as.ada!, 'DELETE', `/orgs/tokens3/api-tokens/${created.body.id}`)).status).toBe(204);
    expect(await audits(o.id, 'api_token.revoked')).toHaveLength(1);
  });

  it('answers 404 for another organisation’s or an unknown token, 403 for a stronger one', async () => {
    const a = await org('tokens4a', { olga: 'owner', ada: 'admin' });
    const b = await org('tokens4b', { bob: 'admin' });
    const theirs = await create(b.as.bob!, b, { name: 'theirs', role: 'viewer' });
    const res = await call(a.as.olga!, 'DELETE', `/orgs/tokens4a/api-tokens/${theirs.body.id}`);
    expect(res.status).toBe(404);
    expect((await call(theirs.body.token, 'GET', '/orgs/tokens4b/members')).status).toBe(200);
    // Nor is another organisation's token visible through the wrong path.
    expect((await call(a.as.olga!, 'DELETE', `/orgs/tokens4b/api-tokens/${theirs.body.id}`)).status).toBe(
      404,
    );
    expect(
      (await call(a.as.olga!, 'DELETE', '/orgs/tokens4a/api-tokens/00000000-0000-4000-8000-000000000000'))
        .status,
    ).toBe(404);
    const ownerToken = await create(a.as.olga!, a, { name: 'root', role: 'owner' });
    const denied = await call(a.as.ada!, 'DELETE', `/orgs/tokens4a/api-tokens/${ownerToken.body.id}`);
    expect(denied.status).toBe(403);
    expect((await call(ownerToken.body.token, 'GET', '/orgs/tokens4a/members')).status).toBe(200);
    expect(await audits(a.id, 'api_token.revoked')).toHaveLength(0);
    expect(await audits(b.id, 'api_token.revoked')).toHaveLength(0);
  });
});

describe('GET /api/v1/orgs/{org}/api-tokens', () => {
  it('pages newest first, lists only this organisation’s tokens, and expired tokens no longer authenticate', async () => {
    const o = await org('tokens5', { ada: 'admin' });
    const other = await org('tokens5b', { bob: 'admin' });
    await create(other.as.bob!, other, { name: 'elsewhere', role: 'viewer' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await create(o.as.ada!, o, { name: `t${i}`, role: 'viewer' })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/orgs/tokens5/api-tokens?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await call(o.as.ada!, 'GET', path);
      seen.push(...res.body.tokens.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await call(o.as.ada!, 'GET', '/orgs/tokens5/api-tokens?cursor=zzz')).status).toBe(400);

    const expiring = await seedApiToken(runtime.db, o.id, 'admin');
    expect((await call(expiring.token, 'GET', '/orgs/tokens5/members')).status).toBe(200);
    await withTenant(runtime.db, o.id, (trx) =>
      sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${expiring.id}`.execute(
        trx,
      ),
    );
    expect((await call(expiring.token, 'GET', '/orgs/tokens5/members')).status).toBe(401);
  });
});
