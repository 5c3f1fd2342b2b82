import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../shared/audit/audit.ts';
import { sessionKey } from '../../../shared/auth/session-jwt.ts';
import { withTenant } from '../../../shared/db/tenant.ts';
import { seedApiToken, seedOrg, seedSession, seedUser, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { asSuperuser } from '../../support/test-database.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;
let orgId: string;
let userId: string;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function me(headers: Record<string, string>) {
  return fetch(`${runtime.url}/api/v1/me`, { headers });
}

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  runtime = await startTestRuntime();
  orgId = await seedOrg(runtime.db, 'acme');
  userId = await seedUser(runtime.db, 'mona', { orgId, role: 'admin' });
});

afterAll(async () => {
  await runtime.dispose();
});

describe('sessions and tokens', () => {
  it('knows the caller from the session cookie or a bearer token', async () => {
    const { token } = await seedSession(runtime.db, userId);
    const byCookie = await me({ cookie: `assay_session=${token}` });
    expect(byCookie.status).toBe(200);
    const body = (await byCookie.json()) as {
      user: { login: string };
      orgs: { login: string; role: string }[];
    };
    expect(body.user.login).toBe('mona');
    expect(body.orgs).toEqual([expect.objectContaining({ login: 'acme', role: 'admin' })]);
    expect((await me({ authorization: `Bearer ${token}` })).status).toBe(200);
    const api = await seedApiToken(runtime.db, orgId, 'viewer');
    const byToken = await me({ authorization: `Bearer ${api.token}` });
    expect(byToken.status).toBe(200);
    expect(((await byToken.json()) as { token: { role: string } }).token.role).toBe('viewer');
  });

  it('answers 401 for missing, expired, tampered, alg:none, wrong-audience, wrong-issuer and wrong-key tokens', async () => {
    const { sessionId, token } = await seedSession(runtime.db, userId);
    const key = sessionKey(TEST_SESSION_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { aud?: string; iss?: string; exp?: number }, signingKey = key) =>
      new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(claims.iss ?? 'assay')
        .setAudience(claims.aud ?? 'assay-api')
        .setIssuedAt(now - 10)
        .setExpirationTime(claims.exp ?? now + 600)
        .sign(signingKey);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: orgId })}.${signature}`;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const cases: Record<string, string> = {
      expired: await sign({ exp: now - 5 }),
      tampered,
      'alg none': none,
      'wrong audience': await sign({ aud: 'someone-else' }),
      'wrong issuer': await sign({ iss: 'evil' }),
      'wrong key': await sign({}, sessionKey('another-secret-entirely-0123456789')),
      garbage: 'not.a.jwt',
      'unknown api token': 'assay_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    expect((await me({})).status).toBe(401);
    for (const [name, bad] of Object.entries(cases)) {
      const res = await me({ authorization: `Bearer ${bad}` });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    }
    expect((await me({ authorization: 'Basic abc' })).status).toBe(401);
  });

  it('refuses a revoked session (logout) and a revoked or expired API token', async () => {
    const { token } = await seedSession(runtime.db, userId);
    const logout = await fetch(`${runtime.url}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().some((c) => c.startsWith('assay_session=;'))).toBe(true);
    expect((await me({ authorization: `Bearer ${token}` })).status).toBe(401);

    const api = await seedApiToken(runtime.db, orgId, 'admin');
    expect((await me({ authorization: `Bearer ${api.token}` })).status).toBe(200);
    await withTenant(runtime.db, orgId, (trx) =>
      trx.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', api.id).execute(),
    );
    expect((await me({ authorization: `Bearer ${api.token}` })).status).toBe(401);
    const expired = await seedApiToken(runtime.db, orgId, 'admin', {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await me({ authorization: `Bearer ${expired.token}` })).status).toBe(401);
  });

  it('requires an allowed Origin for state changes made with the session cookie', async () => {
    const { token } = await seedSession(runtime.db, userId);
    const post = (origin?: string) =>
      fetch(`${runtime.url}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `assay_session=${token}`, ...(origin ? { origin } : {}) },
      });
    const foreign = await post('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('origin_mismatch');
    expect((await post()).status).toBe(403);
    expect((await post(runtime.url)).status).toBe(204);
  });

  it('rotates the refresh token, and revokes the session when an old one is replayed', async () => {
    const { createSession } = await import('../../../shared/auth/sessions.service.ts');
    const { refreshToken } = await createSession(runtime.db, userId, { ip: null, userAgent: null });
    const refresh = (value: string) =>
      fetch(`${runtime.url}/auth/refresh`, { method: 'POST', headers: { cookie: `assay_refresh=${value}` } });
    const first = await refresh(refreshToken);
    expect(first.status).toBe(200);
    const cookies = first.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('assay_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Lax/);
    const access = decodeURIComponent(session.split(';')[0]!.split('=')[1]!);
    const next = decodeURIComponent(
      cookies
        .find((c) => c.startsWith('assay_refresh='))!
        .split(';')[0]!
        .split('=')[1]!,
    );
    expect((await me({ authorization: `Bearer ${access}` })).status).toBe(200);
    // Replaying the used token revokes the whole session, including the new tokens.
    expect((await refresh(refreshToken)).status).toBe(401);
    expect((await refresh(next)).status).toBe(401);
    expect((await me({ authorization: `Bearer ${access}` })).status).toBe(401);
  });
});

describe('audit log', () => {
  it('is append-only even for the app’s own connection, and verify reports a row altered out of band', async () => {
    const owner = await seedUser(runtime.db, 'octocat', { orgId, role: 'owner' });
    const actor = {
      type: 'user' as const,
      id: owner,
      login: 'octocat',
      ip: '127.0.0.1',
      userAgent: 'vitest',
    };
    for (let i = 0; i < 5; i += 1) {
      await withTenant(runtime.db, orgId, (trx) =>
        recordAudit(trx, orgId, actor, { action: `test.${i}`, targetId: String(i) }),
      );
    }
    // The app's own connection (the tables' owner, as on Aurora): forced row-level security
    // shows it no row to change, and TRUNCATE, which row-level security does not cover, hits the guard.
    const forged = await sql`update audit_events set action = 'forged'`.execute(runtime.db);
    expect(Number(forged.numAffectedRows)).toBe(0);
    const deleted = await sql`delete from audit_events`.execute(runtime.db);
    expect(Number(deleted.numAffectedRows)).toBe(0);
    await expect(sql`truncate audit_events`.execute(runtime.db)).rejects.toThrow(/append-only/);
    // The guard holds for a role that sees every row too: the superuser.
    await expect(
      asSuperuser(runtime.db, (trx) => sql`update audit_events set action = 'forged'`.execute(trx)),
    ).rejects.toThrow(/append-only/);
    await expect(
      asSuperuser(runtime.db, (trx) => sql`delete from audit_events`.execute(trx)),
    ).rejects.toThrow(/append-only/);
    await expect(
      withTenant(runtime.db, orgId, (trx) => sql`update audit_events set action = 'forged'`.execute(trx)),
    ).rejects.toThrow();

    const { token } = await seedSession(runtime.db, owner);
    const verify = async () =>
      (await (
        await fetch(`${runtime.url}/api/v1/orgs/acme/audit-events/verify`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { valid: boolean; checked: number; brokenAt: { id: string; reason: string } | null };
    const intact = await verify();
    expect(intact).toMatchObject({ valid: true, brokenAt: null });
    expect(intact.checked).toBeGreaterThanOrEqual(5);

    const target = await withTenant(runtime.db, orgId, (trx) =>
      trx.selectFrom('audit_events').select('id').where('action', '=', 'test.2').executeTakeFirstOrThrow(),
    );
    // Out of band: an operator with superuser rights disables the guard and edits a row.
    await asSuperuser(runtime.db, async (trx) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(trx);
      await sql`update audit_events set details = '{"amount": 1000000}' where id = ${target.id}`.execute(trx);
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(trx);
    });
    expect(await verify()).toMatchObject({
      valid: false,
      brokenAt: { id: target.id, reason: 'hash_mismatch' },
    });
  });

  it('lists events newest first with filters and a cursor', async () => {
    const owner = await seedUser(runtime.db, 'lister', { orgId, role: 'admin' });
    const { token } = await seedSession(runtime.db, owner);
    const get = async (query: string) =>
      (await (
        await fetch(`${runtime.url}/api/v1/orgs/acme/audit-events?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { events: { id: string; action: string }[]; nextCursor: string | null };
    const first = await get('limit=2&actor=octocat');
    expect(first.events.map((e) => e.action)).toEqual(['test.4', 'test.3']);
    const second = await get(`limit=2&actor=octocat&cursor=${first.nextCursor}`);
    expect(second.events.map((e) => e.action)).toEqual(['test.2', 'test.1']);
    expect((await get('action=test.0')).events).toHaveLength(1);
  });
});
