import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // The last TID handed out per repository: allocation is one atomic upsert, and numbers are never reused.
  await db.schema
    .createTable('tid_counters')
    .addColumn('repository_id', 'uuid', (c) => c.primaryKey().references('repositories.id'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('last_tid', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('checklists')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('issue_number', 'integer', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('body_hash', 'text')
    .addColumn('truncated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('total_found', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_llm', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('comment_id', 'bigint')
    .addColumn('comment_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('checklists_repository_issue_key', ['repository_id', 'issue_number'])
    .execute();

  await db.schema
    .createTable('checklist_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('checklist_id', 'uuid', (c) => c.notNull().references('checklists.id'))
    .addColumn('tid', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('section', 'gherkin', 'tasklist', 'modal', 'llm')`),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'retired')`))
    .addColumn('first_version', 'integer', (c) => c.notNull())
    .addColumn('retired_in_version', 'integer')
    .addColumn('proven_at', 'timestamptz')
    .addColumn('proven_sha', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('checklist_items_repository_tid_key', ['repository_id', 'tid'])
    .execute();
  await db.schema
    .createIndex('checklist_items_checklist_idx')
    .on('checklist_items')
    .columns(['checklist_id', 'status'])
    .execute();

  await db.schema
    .createTable('checklist_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('checklist_id', 'uuid', (c) => c.notNull().references('checklists.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('checklist_versions_checklist_version_key', ['checklist_id', 'version'])
    .execute();

  for (const table of ['tid_counters', 'checklists', 'checklist_items', 'checklist_versions']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['checklist_versions', 'checklist_items', 'checklists', 'tid_counters']) {
    await db.schema.dropTable(table).execute();
  }
}
