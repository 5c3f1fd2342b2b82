import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

/**
 * GitHub side (issue 14):
 * - a completed check run is final on GitHub, so a head SHA may have several
 *   `Assay` check runs over time: at most one open (not completed), updated in
 *   place, and any number of completed ones (GitHub shows the newest);
 * - the workflow runs seen for each head SHA, so "no report came" waits for
 *   every run (or the repository's named test workflows) to complete;
 * - a repository setting naming its test workflows;
 * - issues transferred to another repository.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('check_runs').dropConstraint('check_runs_repository_sha_name_key').execute();
  await sql`create unique index check_runs_open_key on check_runs (repository_id, head_sha, name)
    where status <> 'completed'`.execute(db);
  await db.schema
    .createIndex('check_runs_sha_idx')
    .on('check_runs')
    .columns(['repository_id', 'head_sha', 'name', 'created_at'])
    .execute();

  await db.schema
    .createTable('workflow_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('github_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('path', 'text')
    .addColumn('run_attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('conclusion', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('workflow_runs_sha_idx')
    .on('workflow_runs')
    .columns(['repository_id', 'head_sha'])
    .execute();
  await sql`grant select, insert, update, delete on workflow_runs to assay_app, assay_system`.execute(db);
  await enableTenantRls(db, 'workflow_runs');

  // Names or paths (`.github/workflows/test.yml`) of the workflows that upload test reports; empty: every workflow.
  await db.schema
    .alterTable('repositories')
    .addColumn('test_workflows', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  // An issue moved to another repository: where it went (`owner/repo#n`) and its new repository's GitHub id.
  await db.schema.alterTable('issues').addColumn('transferred_to', 'text').execute();
  await db.schema.alterTable('issues').addColumn('transferred_to_repository_github_id', 'bigint').execute();
  await db.schema.alterTable('issues').addColumn('transferred_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('issues').dropColumn('transferred_at').execute();
  await db.schema.alterTable('issues').dropColumn('transferred_to_repository_github_id').execute();
  await db.schema.alterTable('issues').dropColumn('transferred_to').execute();
  await db.schema.alterTable('repositories').dropColumn('test_workflows').execute();
  await db.schema.dropTable('workflow_runs').execute();
  await db.schema.dropIndex('check_runs_sha_idx').execute();
  await sql`drop index check_runs_open_key`.execute(db);
  // Keep only the newest check run per SHA so the old constraint can come back.
  await sql`delete from check_runs c using check_runs n
    where c.repository_id = n.repository_id and c.head_sha = n.head_sha and c.name = n.name
      and c.created_at < n.created_at`.execute(db);
  await db.schema
    .alterTable('check_runs')
    .addUniqueConstraint('check_runs_repository_sha_name_key', ['repository_id', 'head_sha', 'name'])
    .execute();
}
