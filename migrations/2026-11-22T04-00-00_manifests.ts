import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pull_requests').addColumn('manifest_comment_id', 'bigint').execute();
  await db.schema.alterTable('pull_requests').addColumn('manifest_comment_hash', 'text').execute();

  // One manifest per (pull request, head SHA).
  await db.schema
    .createTable('pull_manifests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('pull_number', 'integer', (c) => c.notNull())
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('links', 'jsonb', (c) => c.notNull())
    .addColumn('entries', 'jsonb', (c) => c.notNull())
    .addColumn('files_changed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('pull_manifests_pull_sha_key', ['repository_id', 'pull_number', 'head_sha'])
    .execute();

  // The `Assay` check run of each head SHA, created once and then updated in place.
  await db.schema
    .createTable('check_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('github_id', 'bigint')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'in_progress', 'completed')`),
    )
    .addColumn('conclusion', 'text')
    .addColumn('output_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('check_runs_repository_sha_name_key', ['repository_id', 'head_sha', 'name'])
    .execute();

  for (const table of ['pull_manifests', 'check_runs']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('check_runs').execute();
  await db.schema.dropTable('pull_manifests').execute();
  await db.schema.alterTable('pull_requests').dropColumn('manifest_comment_hash').execute();
  await db.schema.alterTable('pull_requests').dropColumn('manifest_comment_id').execute();
}
