import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableTenantRls } from '../../migrations/lib/tenant-rls.ts';
import { loadConfig } from '../../shared/config.ts';
import { createDb, createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem, withTenant } from '../../shared/db/tenant.ts';
import { asSuperuser, startTestDatabase, type TestDatabase } from '../support/test-database.ts';

let testDb: TestDatabase;
let orgA: string;
let orgB: string;

async function insertOrg(db: Kysely<any>, login: string, githubId: number): Promise<string> {
  const row = await withSystem(db, (trx) =>
    trx
      .insertInto('orgs')
      .values({ login, github_account_id: githubId, account_type: 'Organization' })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}

beforeAll(async () => {
  testDb = await startTestDatabase();
  orgA = await insertOrg(testDb.db, 'acme', 1);
  orgB = await insertOrg(testDb.db, 'globex', 2);
  // A tenant table shaped like every later one: org_id + the shared RLS machinery.
  const db = testDb.db as Kysely<any>;
  await sql`create table notes (id serial primary key, org_id uuid not null references orgs(id), body text not null)`.execute(
    db,
  );
  await sql`grant select, insert, update, delete on notes to assay_app, assay_system`.execute(db);
  await sql`grant usage on sequence notes_id_seq to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'notes');
  await withSystem(db, (trx) =>
    (trx as Kysely<any>)
      .insertInto('notes')
      .values([
        { org_id: orgA, body: 'a1' },
        { org_id: orgA, body: 'a2' },
        { org_id: orgB, body: 'b1' },
      ])
      .execute(),
  );
});

afterAll(async () => {
  await testDb.stop();
});

describe('tenant isolation in the database', () => {
  it('returns only the current tenant’s rows to a query with no WHERE org_id', async () => {
    const notes = await withTenant(testDb.db, orgA, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select(['body', 'org_id']).orderBy('body').execute(),
    );
    expect(notes.map((n) => n.body)).toEqual(['a1', 'a2']);
    const orgs = await withTenant(testDb.db, orgB, (trx) => trx.selectFrom('orgs').select('login').execute());
    expect(orgs).toEqual([{ login: 'globex' }]);
  });

  it('refuses to insert a row for another tenant', async () => {
    await expect(
      withTenant(testDb.db, orgA, (trx) =>
        (trx as Kysely<any>).insertInto('notes').values({ org_id: orgB, body: 'sneaky' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const all = await withSystem(testDb.db, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select('body').where('body', '=', 'sneaky').execute(),
    );
    expect(all).toEqual([]);
  });

  it('cannot update or delete another tenant’s rows', async () => {
    const updated = await withTenant(testDb.db, orgA, (trx) =>
      (trx as Kysely<any>)
        .updateTable('notes')
        .set({ body: 'x' })
        .where('body', '=', 'b1')
        .executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(testDb.db, orgA, (trx) =>
      (trx as Kysely<any>).deleteFrom('notes').executeTakeFirst(),
    );
    expect(Number(deleted.numDeletedRows)).toBe(2);
    const left = await withSystem(testDb.db, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select('body').execute(),
    );
    expect(left.map((n) => n.body)).toEqual(['b1']);
  });

  it('does not leak the tenant or role past the transaction', async () => {
    await withTenant(testDb.db, orgA, async () => undefined);
    const after = await sql<{
      org: string | null;
      role: string;
    }>`select current_setting('app.org_id', true) as org, current_user as role`.execute(testDb.db);
    expect(after.rows[0]?.org ?? '').toBe('');
    expect(after.rows[0]?.role).not.toBe('assay_app');
  });

  it('sees nothing as the tenant role with no tenant set', async () => {
    const rows = await testDb.db.transaction().execute(async (trx) => {
      await sql`set local role assay_app`.execute(trx);
      return (trx as Kysely<any>).selectFrom('notes').selectAll().execute();
    });
    expect(rows).toEqual([]);
  });

  it('rejects an organisation id that is not a UUID', async () => {
    await expect(withTenant(testDb.db, "x' or 1=1 --", async () => 1)).rejects.toThrow(/UUID/);
  });
});

describe('the app’s own connection, outside withTenant/withSystem (as on Aurora)', () => {
  // Exactly how a handler connects locally: the config the local runtime sets, and createDb.
  let app: Kysely<Database>;
  beforeAll(async () => {
    app = await createDb(
      loadConfig({ DATABASE_URL: testDb.url, ASSAY_DB_SESSION_ROLE: 'assay_owner', ASSAY_DB_POOL_MAX: '1' }),
    );
  });
  afterAll(async () => {
    await app.destroy();
  });

  it('runs as the tables’ owner: not a superuser, no BYPASSRLS, holding the tenant roles only to SET them', async () => {
    const { rows } = await sql<{
      role: string;
      superuser: boolean;
      bypassrls: boolean;
      owner: string;
      inherits_system: boolean;
      inherits_app: boolean;
      sets_system: boolean;
      sets_app: boolean;
    }>`select current_user as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
        (select pg_get_userbyid(relowner) from pg_class where oid = 'orgs'::regclass) as owner,
        pg_has_role('assay_system', 'USAGE') as inherits_system, pg_has_role('assay_app', 'USAGE') as inherits_app,
        pg_has_role('assay_system', 'SET') as sets_system, pg_has_role('assay_app', 'SET') as sets_app
      from pg_roles r where r.rolname = current_user`.execute(app);
    expect(rows).toEqual([
      {
        role: 'assay_owner',
        superuser: false,
        bypassrls: false,
        owner: 'assay_owner',
        inherits_system: false,
        inherits_app: false,
        sets_system: true,
        sets_app: true,
      },
    ]);
  });

  it('sees no tenant rows with a bare select, while withTenant and withSystem see theirs', async () => {
    const anyApp = app as Kysely<any>;
    expect(await anyApp.selectFrom('notes').select('body').execute()).toEqual([]);
    expect(await app.selectFrom('orgs').select('login').execute()).toEqual([]);
    const mine = await withTenant(app, orgB, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select('body').execute(),
    );
    expect(mine).toEqual([{ body: 'b1' }]);
    const all = await withSystem(app, (trx) =>
      trx.selectFrom('orgs').select('login').orderBy('login').execute(),
    );
    expect(all).toEqual([{ login: 'acme' }, { login: 'globex' }]);
    // The rows are there: the superuser (whom row-level security does not bind) sees them all.
    const seen = await asSuperuser(app, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select('body').execute(),
    );
    expect(seen.length).toBeGreaterThan(0);
  });

  it('is refused a bare insert and changes nothing with a bare update or delete', async () => {
    const anyApp = app as Kysely<any>;
    await expect(anyApp.insertInto('notes').values({ org_id: orgB, body: 'bare' }).execute()).rejects.toThrow(
      /row-level security/,
    );
    const updated = await anyApp.updateTable('notes').set({ body: 'bare' }).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await anyApp.deleteFrom('notes').executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(0);
    await withTenant(app, orgB, (trx) =>
      (trx as Kysely<any>).insertInto('notes').values({ org_id: orgB, body: 'b2' }).execute(),
    );
    const after = await withTenant(app, orgB, (trx) =>
      (trx as Kysely<any>).selectFrom('notes').select('body').orderBy('body').execute(),
    );
    expect(after).toEqual([{ body: 'b1' }, { body: 'b2' }]);
  });

  it('fails the query, and runs nothing as the superuser, when the session role cannot be set', async () => {
    const broken = createPoolDb<Database>(
      { connectionString: testDb.url, max: 1 },
      { sessionRole: 'no_such_role' },
    );
    try {
      for (let i = 0; i < 2; i += 1) {
        await expect(sql`select current_user`.execute(broken)).rejects.toThrow(/no_such_role/);
      }
    } finally {
      await broken.destroy();
    }
  });

  it('is back to the owner after each transaction, and the test database connection is the same role', async () => {
    await withSystem(app, async () => undefined);
    await asSuperuser(app, async () => undefined);
    const roles = await sql<{ role: string }>`select current_user as role`.execute(app);
    expect(roles.rows).toEqual([{ role: 'assay_owner' }]);
    const testRole = await sql<{ role: string }>`select current_user as role`.execute(testDb.db);
    expect(testRole.rows).toEqual([{ role: 'assay_owner' }]);
  });
});
