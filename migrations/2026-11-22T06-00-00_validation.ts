import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ci_uploads').addColumn('size_bytes', 'bigint').execute();
  await db.schema.alterTable('ci_uploads').addColumn('error', 'text').execute();
  await db.schema.alterTable('ci_uploads').addColumn('counts', 'jsonb').execute();
  await db.schema.alterTable('ci_uploads').addColumn('processed_at', 'timestamptz').execute();

  // The validation of one head SHA: every report of that SHA merged, each expected item's status.
  await db.schema
    .createTable('validations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('conclusion', 'text', (c) =>
      c.notNull().check(sql`conclusion in ('success', 'failure', 'action_required', 'neutral', 'pending')`),
    )
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('reports', 'integer', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('validations_repository_sha_key', ['repository_id', 'head_sha'])
    .execute();
  await sql`grant select, insert, update, delete on validations to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'validations');
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('validations').execute();
  for (const column of ['processed_at', 'counts', 'error', 'size_bytes']) {
    await db.schema.alterTable('ci_uploads').dropColumn(column).execute();
  }
}
