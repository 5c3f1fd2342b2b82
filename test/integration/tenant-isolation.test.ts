import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableTenantRls } from '../../migrations/lib/tenant-rls.ts';
import { withSystem, withTenant } from '../../shared/db/tenant.ts';
import { startTestDatabase, type TestDatabase } from '../support/test-database.ts';

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
