import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 30: CTRF reports and attachments are upload kinds too.
  await sql`alter table ci_uploads drop constraint ci_uploads_kind_check`.execute(db);
  await sql`alter table ci_uploads add constraint ci_uploads_kind_check
    check (kind in ('junit', 'code-health', 'ctrf', 'attachment'))`.execute(db);
  // An attachment belongs to one test of the same run (its identity: suite, classname, name).
  await sql`alter table ci_uploads
    add column test_identity jsonb,
    add column file_name text`.execute(db);

  // Reports Assay pulled itself from a workflow run's artifacts (fork-safe), with their provenance.
  await sql`alter table ci_runs drop constraint ci_runs_auth_kind_check`.execute(db);
  await sql`alter table ci_runs add constraint ci_runs_auth_kind_check
    check (auth_kind in ('oidc', 'upload_token', 'github_app'))`.execute(db);
  await sql`alter table ci_runs
    add column source text not null default 'upload' check (source in ('upload', 'pulled')),
    add column workflow_run_id bigint,
    add column workflow_path text,
    add column workflow_sha text,
    add column head_repository text,
    add column from_fork boolean not null default false,
    add column workflow_changed boolean,
    add column author_association text`.execute(db);

  await db.schema
    .createTable('ci_artifacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('ci_run_id', 'uuid', (c) => c.notNull().references('ci_runs.id'))
    .addColumn('github_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'pulled', 'expired', 'invalid', 'rejected')`),
    )
    .addColumn('error', 'text')
    .addColumn('files', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('ci_artifacts_repository_artifact_key', ['repository_id', 'github_id'])
    .execute();

  // Head SHAs of forks a person with write access trusted: their pulled reports may prove criteria.
  await db.schema
    .createTable('trusted_shas')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id'))
    .addColumn('repository_id', 'uuid', (c) => c.notNull().references('repositories.id'))
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('trusted_by', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull().check(sql`via in ('command', 'console')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('trusted_shas_repository_sha_key', ['repository_id', 'head_sha'])
    .execute();

  for (const table of ['ci_artifacts', 'trusted_shas']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trusted_shas').execute();
  await db.schema.dropTable('ci_artifacts').execute();
}
