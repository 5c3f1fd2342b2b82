import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

const timestamps = (t: any) =>
  t
    .addColumn('created_at', 'timestamptz', (c: any) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c: any) => c.notNull().defaultTo(sql`now()`));

export async function up(db: Kysely<any>): Promise<void> {
  await timestamps(
    db.schema
      .createTable('installations')
      .addColumn('id', 'bigint', (c) => c.primaryKey())
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
      .addColumn('target_type', 'text')
      .addColumn('repository_selection', 'text')
      .addColumn('permissions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('events', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('suspended_at', 'timestamptz')
      .addColumn('deleted_at', 'timestamptz'),
  ).execute();
  await db.schema.createIndex('installations_org_idx').on('installations').column('org_id').execute();

  await timestamps(
    db.schema
      .createTable('repositories')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
      .addColumn('installation_id', 'bigint', (c) => c.notNull().references('installations.id'))
      .addColumn('github_id', 'bigint', (c) => c.notNull().unique())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('full_name', 'text', (c) => c.notNull())
      .addColumn('private', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('default_branch', 'text')
      .addColumn('removed_at', 'timestamptz'),
  ).execute();
  await db.schema
    .createIndex('repositories_full_name_idx')
    .on('repositories')
    .expression(sql`lower(full_name)`)
    .execute();
  await db.schema.createIndex('repositories_org_idx').on('repositories').column('org_id').execute();

  await timestamps(
    db.schema
      .createTable('issues')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
      .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'closed')`))
      .addColumn('author', 'text')
      .addColumn('html_url', 'text')
      .addColumn('deleted_at', 'timestamptz')
      .addUniqueConstraint('issues_repository_number_key', ['repository_id', 'number']),
  ).execute();

  await timestamps(
    db.schema
      .createTable('pull_requests')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
      .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'closed')`))
      .addColumn('merged', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('draft', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('author', 'text')
      .addColumn('head_sha', 'text', (c) => c.notNull())
      .addColumn('head_ref', 'text', (c) => c.notNull())
      .addColumn('base_ref', 'text', (c) => c.notNull())
      .addColumn('html_url', 'text')
      .addColumn('closed_at', 'timestamptz')
      .addColumn('merged_at', 'timestamptz')
      .addUniqueConstraint('pull_requests_repository_number_key', ['repository_id', 'number']),
  ).execute();

  for (const table of ['installations', 'repositories', 'issues', 'pull_requests']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }

  // Deliveries arrive before anyone knows their tenant: system-only, never visible to the tenant role.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('installation_id', 'bigint')
    .addColumn('payload', 'text')
    .addColumn('payload_key', 'text')
    .addColumn('payload_bytes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('received').check(sql`status in ('received', 'processed', 'ignored', 'failed')`),
    )
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sweeps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('processed_at', 'timestamptz')
    .addCheckConstraint('webhook_deliveries_payload_present', sql`(payload is null) <> (payload_key is null)`)
    .execute();
  await sql`create index webhook_deliveries_received_idx on webhook_deliveries (received_at) where status = 'received'`.execute(
    db,
  );
  await sql`revoke all on webhook_deliveries from assay_app`.execute(db);
  await sql`grant select, insert, update, delete on webhook_deliveries to assay_system`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_deliveries', 'pull_requests', 'issues', 'repositories', 'installations']) {
    await db.schema.dropTable(table).execute();
  }
}
