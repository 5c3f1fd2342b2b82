import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // People, known across organisations: system-only.
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('github_id', 'bigint', (c) => c.unique())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index users_login_idx on users (lower(login))`.execute(db);

  await db.schema
    .createTable('memberships')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member', 'viewer')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('github', 'invitation', 'cli')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('memberships_pkey', ['org_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

  // One row per sign-in; the refresh token rotates, the previous one is kept to detect reuse.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('refresh_hash', 'text', (c) => c.notNull().unique())
    .addColumn('previous_refresh_hash', 'text')
    .addColumn('refresh_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('rotated_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member', 'viewer')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member', 'viewer')`))
    .addColumn('login', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('accepted_by', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  for (const table of ['memberships', 'api_tokens', 'invitations']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
  for (const table of ['users', 'sessions']) {
    await sql`revoke all on ${sql.table(table)} from assay_app`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_system`.execute(db);
  }
  // The tenant role may read the people who share its organisation (names on members and audit rows).
  await sql`grant select on users to assay_app`.execute(db);

  // Audit log: append-only and hash-chained per organisation.
  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('orgs.id').onDelete('cascade'))
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .execute();
  await sql`create table audit_events (
    id bigserial primary key,
    org_id uuid not null references orgs(id),
    created_at timestamptz not null default date_trunc('milliseconds', now()),
    actor_type text not null check (actor_type in ('user', 'api_token', 'system', 'github')),
    actor_id text,
    actor_login text,
    action text not null,
    target_type text,
    target_id text,
    ip text,
    user_agent text,
    details jsonb not null default '{}'::jsonb,
    prev_hash text not null,
    hash text not null
  )`.execute(db);
  await sql`create index audit_events_org_idx on audit_events (org_id, id)`.execute(db);
  // The one definition of a row's digest, used when writing and when verifying.
  await sql`create function audit_event_digest(prev text, e audit_events) returns text
    language sql immutable as $$
      select encode(sha256(convert_to(concat_ws('|', prev, e.org_id::text, e.id::text,
        to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), e.actor_type,
        coalesce(e.actor_id, ''), coalesce(e.actor_login, ''), e.action, coalesce(e.target_type, ''),
        coalesce(e.target_id, ''), coalesce(e.ip, ''), coalesce(e.user_agent, ''), e.details::text), 'UTF8')), 'hex')
    $$`.execute(db);
  await sql`create function audit_events_chain() returns trigger
    language plpgsql security definer set search_path = public as $$
    declare prev text;
    begin
      insert into audit_chain_heads (org_id, last_hash) values (new.org_id, repeat('0', 64))
        on conflict (org_id) do nothing;
      select last_hash into prev from audit_chain_heads where org_id = new.org_id for update;
      new.prev_hash := prev;
      new.hash := audit_event_digest(prev, new);
      update audit_chain_heads set last_hash = new.hash where org_id = new.org_id;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_events_chain before insert on audit_events
    for each row execute function audit_events_chain()`.execute(db);
  await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_events is append-only'; end $$`.execute(db);
  await sql`create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
  await sql`revoke all on audit_events, audit_chain_heads from assay_app, assay_system`.execute(db);
  // Heads are written only by the chaining trigger (as the owner, so RLS is enabled but not forced here);
  // tenants may read their own head to verify the chain.
  await sql`alter table audit_chain_heads enable row level security`.execute(db);
  await sql`create policy tenant_read on audit_chain_heads for select to assay_app using (org_id = assay_current_org_id())`.execute(
    db,
  );
  await sql`create policy system_read on audit_chain_heads for select to assay_system using (true)`.execute(
    db,
  );
  await sql`grant select on audit_chain_heads to assay_app, assay_system`.execute(db);
  await sql`grant select, insert on audit_events to assay_app, assay_system`.execute(db);
  await sql`grant usage on sequence audit_events_id_seq to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'audit_events');

  // Fixed-window request counters, one row per principal, route class and window.
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limit_windows_end_idx')
    .on('rate_limit_windows')
    .column('window_ends_at')
    .execute();
  await sql`revoke all on rate_limit_windows from assay_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'rate_limit_windows',
    'audit_events',
    'audit_chain_heads',
    'invitations',
    'api_tokens',
    'sessions',
    'memberships',
    'users',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_events_chain(), audit_events_append_only(), audit_event_digest(text, audit_events)`.execute(
    db,
  );
}
