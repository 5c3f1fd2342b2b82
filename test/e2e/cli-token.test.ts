import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { hashToken } from '../../shared/auth/secrets.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { type Bracket, bracketed, expectOffsetWithin } from '../support/clock.ts';
import { seedOrg, seedUser, TEST_SESSION_SECRET } from '../support/identity.ts';
import { runCommand } from '../support/run-command.ts';
import { freshDataDir } from '../support/test-database.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const data = freshDataDir();
let runtime: TestRuntime | undefined;

/** Runs `npx assay …` as an operator would, on the test's data directory (no runtime serving it). */
function assay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ASSAY_DATA_DIR: data.dir, ASSAY_LOG_LEVEL: 'SILENT' };
  delete env.DATABASE_URL;
  return runCommand('npx', ['assay', ...args], { env });
}

/** Seeds the organisation and people straight into the data directory, then closes it again. */
async function seed(): Promise<void> {
  const postgres = await startEmbeddedPostgres(data.dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  try {
    const orgId = await seedOrg(db, 'Acme');
    await seedUser(db, 'mona', { orgId, role: 'member' });
    await seedUser(db, 'stranger');
  } finally {
    await db.destroy();
    await postgres.stop();
  }
}

let minted: { id: string; token: string; org: string; role: string; expiresAt: string };
/** The wall clock around the `token create` run. */
let mintedAt: Bracket;

beforeAll(async () => {
  await seed();
  const { result, ...clock } = await bracketed(() =>
    assay(['token', 'create', '--org', 'acme', '--role', 'member', '--user', 'MONA', '--days', '3']),
  );
  mintedAt = clock;
  expect(result.stderr.replace(/npm warn.*\n/g, '')).toBe('');
  expect(result.code).toBe(0);
  minted = JSON.parse(result.stdout);
});

afterAll(async () => {
  await runtime?.dispose();
  data.remove();
});

describe('npx assay token create', () => {
  it('prints the new token once as JSON', () => {
    expect(minted).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token: expect.stringMatching(/^assay_pat_[A-Za-z0-9_-]{43}$/),
      org: 'Acme',
      role: 'member',
      expiresAt: expect.any(String),
    });
    expectOffsetWithin(minted.expiresAt, mintedAt, 3 * 86_400_000);
  });

  it('refuses a --user who is not a member, a role above the user’s, an unknown org and a bad role', async () => {
    const cases: [string[], RegExp][] = [
      [['--org', 'acme', '--role', 'viewer', '--user', 'stranger'], /stranger is not a member of Acme/],
      [['--org', 'acme', '--role', 'admin', '--user', 'mona'], /mona is member in Acme/],
      [['--org', 'nope', '--role', 'viewer'], /No organisation nope/],
      [['--org', 'acme', '--role', 'emperor'], /--role must be one of/],
    ];
    for (const [args, message] of cases) {
      const result = await assay(['token', 'create', ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });

  it('mints a token the API accepts once a runtime serves the same data, stored hashed and audited', async () => {
    process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
    runtime = await startTestRuntime({ dataDir: data.dir });
    const res = await fetch(`${runtime.url}/api/v1/orgs/acme/members`, {
      headers: { authorization: `Bearer ${minted.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { members: { user: { login: string }; role: string }[] };
    expect(body.members.map((m) => [m.user.login, m.role])).toEqual([['mona', 'member']]);
    const me = (await (
      await fetch(`${runtime.url}/api/v1/me`, { headers: { authorization: `Bearer ${minted.token}` } })
    ).json()) as { user: { login: string } | null; token: { role: string } };
    expect(me.user?.login).toBe('mona');
    expect(me.token.role).toBe('member');

    const rows = await withSystem(runtime.db, (trx) => trx.selectFrom('api_tokens').selectAll().execute());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: minted.id,
      name: 'cli-member',
      token_hash: hashToken(minted.token),
      prefix: minted.token.slice(0, 14),
    });
    expect(JSON.stringify(rows)).not.toContain(minted.token);
    const events = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('audit_events').selectAll().execute(),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor_type: 'system',
      action: 'api_token.created',
      target_type: 'api_token',
      target_id: minted.id,
      details: { role: 'member', name: 'cli-member' },
    });
    expect(JSON.stringify(events)).not.toContain(minted.token);
  });
});
