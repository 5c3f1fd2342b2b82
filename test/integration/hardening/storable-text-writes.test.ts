import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { upsertIssueState } from '../../../shared/webhooks/sync.repository.ts';
import { seedInstallation, seedRepo } from '../../support/ci-repos.ts';
import { seedOrg } from '../../support/identity.ts';
import { startTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// Every string that reaches Postgres passes the storable-text rule: the plugin on every Kysely
// instance replaces NUL and lone surrogates (in text and in jsonb text) with U+FFFD, so a write
// path that forgets to clean third-party text still stores it instead of failing.
let database: TestDatabase;
let orgId: string;
let repositoryId: string;

beforeAll(async () => {
  database = await startTestDatabase();
  orgId = await seedOrg(database.db, 'storable-org');
  await seedInstallation(database.db, 77, orgId);
  repositoryId = (await seedRepo(database.db, orgId, 77, 'storable-org', 'app')).id;
}, 120_000);
afterAll(() => database?.stop());

describe('storable text on every write path', () => {
  it('stores an issue whose title carries NUL (the checklist consumer’s upsertIssueState)', async () => {
    await withTenant(database.db, orgId, (trx) =>
      upsertIssueState(
        trx,
        { orgId, repositoryId },
        { number: 7, title: 'Login\u0000 fails \uD800', state: 'open', author: 'mona', htmlUrl: null },
        false,
      ),
    );
    const row = await withSystem(database.db, (trx) =>
      trx.selectFrom('issues').select('title').where('number', '=', 7).executeTakeFirstOrThrow(),
    );
    expect(row.title).toBe('Login\uFFFD fails \uFFFD');
  });

  it('stores NUL through raw SQL and into jsonb', async () => {
    const rows = await withSystem(database.db, (trx) =>
      sql<{
        t: string;
        j: { a: string };
      }>`select ${'x\u0000y'}::text as t, ${JSON.stringify({ a: 'b\u0000' })}::jsonb as j`.execute(trx),
    );
    expect(rows.rows[0]).toEqual({ t: 'x\uFFFDy', j: { a: 'b\uFFFD' } });
  });

  it('every Kysely instance in product code is built by createPoolDb, which installs the plugin', () => {
    const root = new URL('../../../', import.meta.url).pathname;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /new Kysely\b/.test(readFileSync(path, 'utf8')))
          offenders.push(relative(root, path));
      }
    };
    for (const top of ['shared', 'functions', 'infra', 'scripts']) walk(join(root, top));
    expect(offenders).toEqual(['shared/db/connection.ts']);
    const connection = readFileSync(join(root, 'shared/db/connection.ts'), 'utf8');
    expect(connection).toMatch(/new Kysely<DB>\(\{.*plugins: \[new StorableTextPlugin\(\)\]/);
  });
});
