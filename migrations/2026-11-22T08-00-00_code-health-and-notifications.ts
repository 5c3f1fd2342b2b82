import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // The git ref a CI run built (`refs/heads/main`, `refs/pull/12/merge`): decides the branch its scores belong to.
  await db.schema.alterTable('ci_runs').addColumn('ref', 'text').execute();

  // Fingerprints of the annotations a check run already carries: GitHub appends annotations on every update,
  // so only new ones are sent.
  await db.schema
    .alterTable('check_runs')
    .addColumn('annotated', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  // Code health per CI run: the findings of every code-health report the run uploaded, scored together,
  // with the change against the latest run on the base branch.
  await db.schema
    .createTable('code_health_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('ci_run_id', 'uuid', (c) => c.notNull().unique().references('ci_runs.id'))
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('pull_number', 'integer')
    .addColumn('reports', 'integer', (c) => c.notNull())
    .addColumn('formats', 'jsonb', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('findings', 'jsonb', (c) => c.notNull())
    .addColumn('findings_total', 'integer', (c) => c.notNull())
    .addColumn('base_branch', 'text')
    .addColumn('base_run_id', 'uuid')
    .addColumn('base_score', 'integer')
    .addColumn('delta', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('code_health_runs_branch_idx')
    .on('code_health_runs')
    .columns(['repository_id', 'branch', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('code_health_runs_sha_idx')
    .on('code_health_runs')
    .columns(['repository_id', 'head_sha'])
    .execute();

  // Members following a repository receive its notifications.
  await db.schema
    .createTable('repository_follows')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('repository_follows_pkey', ['repository_id', 'user_id'])
    .execute();

  // In-app notifications; `dedupe_key` makes emitting the same event twice a no-op.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('subject', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('notifications_user_dedupe_key', ['user_id', 'dedupe_key'])
    .execute();
  await db.schema
    .createIndex('notifications_user_created_idx')
    .on('notifications')
    .columns(['org_id', 'user_id', 'created_at', 'id'])
    .execute();

  for (const table of ['code_health_runs', 'repository_follows', 'notifications']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('repository_follows').execute();
  await db.schema.dropTable('code_health_runs').execute();
  await db.schema.alterTable('check_runs').dropColumn('annotated').execute();
  await db.schema.alterTable('ci_runs').dropColumn('ref').execute();
}
