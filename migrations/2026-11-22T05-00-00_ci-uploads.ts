import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // Repository upload tokens: shown once, stored as SHA-256, expiring and revocable.
  await db.schema
    .createTable('upload_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('upload_tokens_repository_idx')
    .on('upload_tokens')
    .column('repository_id')
    .execute();

  // One CI run per (repository, run id): ties its uploads to the head SHA and the pull request.
  await db.schema
    .createTable('ci_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('pull_number', 'integer')
    .addColumn('auth_kind', 'text', (c) => c.notNull().check(sql`auth_kind in ('oidc', 'upload_token')`))
    .addColumn('upload_token_id', 'uuid', (c) => c.references('upload_tokens.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('ci_runs_repository_run_key', ['repository_id', 'run_id'])
    .execute();
  await db.schema
    .createIndex('ci_runs_repository_sha_idx')
    .on('ci_runs')
    .columns(['repository_id', 'head_sha'])
    .execute();

  // Every presigned upload issued: the report consumer accepts only these keys.
  await db.schema
    .createTable('ci_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('ci_run_id', 'uuid', (c) => c.notNull().references('ci_runs.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('junit', 'code-health')`))
    .addColumn('object_key', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('issued')
        .check(sql`status in ('issued', 'received', 'processed', 'invalid', 'rejected')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('ci_uploads_run_idx').on('ci_uploads').column('ci_run_id').execute();

  for (const table of ['upload_tokens', 'ci_runs', 'ci_uploads']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ci_uploads').execute();
  await db.schema.dropTable('ci_runs').execute();
  await db.schema.dropTable('upload_tokens').execute();
}
