import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // An organisation whose deletion was asked for is gone for everyone at once; its rows go in batches after.
  await sql`alter table orgs add column deleted_at timestamptz`.execute(db);

  // Exports: one ZIP per request, kept 7 days (bucket lifecycle rule and expires_at).
  await db.schema
    .createTable('org_exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status in ('queued', 'running', 'ready', 'failed')`),
    )
    .addColumn('requested_by', 'text')
    .addColumn('object_key', 'text')
    .addColumn('bytes', 'bigint')
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await sql`create index org_exports_org_idx on org_exports (org_id, created_at desc, id desc)`.execute(db);
  await sql`grant select, insert, update, delete on org_exports to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'org_exports');

  // Deletions: the request and, once done, the tombstone. System-only; holds no tenant data
  // (the column is not called org_id, so "no row with that org_id anywhere" stays checkable).
  await db.schema
    .createTable('org_deletions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('deleted_org_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('github_account_id', 'bigint', (c) => c.notNull())
    .addColumn('installation_ids', sql`bigint[]`, (c) => c.notNull().defaultTo(sql`'{}'::bigint[]`))
    .addColumn('object_prefixes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status in ('queued', 'running', 'completed')`),
    )
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`create index org_deletions_installations_idx on org_deletions using gin (installation_ids)`.execute(
    db,
  );
  await sql`revoke all on org_deletions from assay_app`.execute(db);
  await sql`grant select, insert, update on org_deletions to assay_system`.execute(db);

  // The audit log stays append-only for every live organisation; the one way to remove an
  // organisation's chain is this function, and only once that organisation's deletion is recorded.
  await sql`create or replace function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('assay.purging_org', true) = old.org_id::text
        and exists (select 1 from org_deletions where deleted_org_id = old.org_id) then
        return old;
      end if;
      raise exception 'audit_events is append-only';
    end $$`.execute(db);
  // Run by the system role (no security definer: forced row-level security would hide the rows
  // from the owner); the trigger above admits the delete only inside this function's transaction.
  await sql`create function assay_purge_org_audit(org uuid, batch integer) returns integer
    language plpgsql set search_path = public as $$
    declare removed integer;
    begin
      if not exists (select 1 from org_deletions where deleted_org_id = org) then
        raise exception 'organisation % has no deletion request', org;
      end if;
      perform set_config('assay.purging_org', org::text, true);
      delete from audit_events where id in (
        select id from audit_events where org_id = org order by id limit batch);
      get diagnostics removed = row_count;
      if removed = 0 then
        delete from audit_chain_heads where org_id = org;
      end if;
      perform set_config('assay.purging_org', '', true);
      return removed;
    end $$`.execute(db);
  await sql`revoke all on function assay_purge_org_audit(uuid, integer) from public`.execute(db);
  await sql`grant execute on function assay_purge_org_audit(uuid, integer) to assay_system`.execute(db);
  await sql`grant delete on audit_events, audit_chain_heads to assay_system`.execute(db);
  await sql`create policy system_purge on audit_chain_heads for delete to assay_system
    using (exists (select 1 from org_deletions where deleted_org_id = org_id))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop policy if exists system_purge on audit_chain_heads`.execute(db);
  await sql`revoke delete on audit_events, audit_chain_heads from assay_system`.execute(db);
  await sql`drop function if exists assay_purge_org_audit(uuid, integer)`.execute(db);
  await sql`create or replace function audit_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_events is append-only'; end $$`.execute(db);
  await sql`drop table if exists org_deletions`.execute(db);
  await sql`drop table if exists org_exports`.execute(db);
  await sql`alter table orgs drop column if exists deleted_at`.execute(db);
}
