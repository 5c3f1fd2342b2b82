import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists vector`.execute(db);
  // Roles are cluster-wide: create them once, and let the migrating user switch to them.
  for (const role of ['assay_app', 'assay_system']) {
    await sql
      .raw(
        `do $$ begin
          if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${role} nologin; end if;
        end $$`,
      )
      .execute(db);
    await sql.raw(`grant ${role} to current_user`).execute(db);
    await sql.raw(`grant usage on schema public to ${role}`).execute(db);
  }
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to assay_app, assay_system`.execute(
    db,
  );
  await sql`alter default privileges in schema public grant usage, select on sequences to assay_app, assay_system`.execute(
    db,
  );
  await sql`create or replace function assay_current_org_id() returns uuid language sql stable as
    $$ select nullif(current_setting('app.org_id', true), '')::uuid $$`.execute(db);

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('github_account_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text', (c) =>
      c.notNull().check(sql`account_type in ('Organization', 'User')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('orgs_login_idx').on('orgs').expression(sql`lower(login)`).execute();
  await sql`grant select, insert, update, delete on orgs to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'orgs', 'id');
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('orgs').execute();
  await sql`drop function if exists assay_current_org_id()`.execute(db);
}
