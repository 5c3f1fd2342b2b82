import { type Kysely, sql } from 'kysely';

/**
 * Hardening (issue 13):
 *
 * - Organisation logins and repository full names are unique among live rows
 *   (`renamed_at is null`), case-insensitively. GitHub's ids are the identity;
 *   when another account claims a login (or another repository a full name),
 *   the older row is marked renamed. Existing duplicates are resolved the same
 *   way here: the most recently updated row keeps the name.
 * - An uploaded report is write-once: `ci_uploads` keeps the ETag of the object
 *   that was processed and the results read from it (`results`), which a
 *   trigger refuses to change once set; later objects at the same key are
 *   counted in `overwrites` (and audited), never read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').addColumn('renamed_at', 'timestamptz').execute();
  await sql`update orgs set renamed_at = now()
    where id in (select id from (
      select id, row_number() over (partition by lower(login) order by updated_at desc, created_at desc) as n
      from orgs) ranked where n > 1)`.execute(db);
  await db.schema.dropIndex('orgs_login_idx').execute();
  await db.schema
    .createIndex('orgs_live_login_key')
    .on('orgs')
    .unique()
    .expression(sql`lower(login)`)
    .where(sql.ref('renamed_at'), 'is', null)
    .execute();
  await db.schema.createIndex('orgs_login_idx').on('orgs').expression(sql`lower(login)`).execute();

  await db.schema.alterTable('repositories').addColumn('renamed_at', 'timestamptz').execute();
  await sql`update repositories set renamed_at = now()
    where id in (select id from (
      select id, row_number() over (
        partition by lower(full_name) order by (removed_at is null) desc, updated_at desc, created_at desc) as n
      from repositories) ranked where n > 1)`.execute(db);
  await db.schema
    .createIndex('repositories_live_full_name_key')
    .on('repositories')
    .unique()
    .expression(sql`lower(full_name)`)
    .where(sql.ref('renamed_at'), 'is', null)
    .execute();

  await db.schema
    .alterTable('ci_uploads')
    .addColumn('etag', 'text')
    .addColumn('results', 'jsonb')
    .addColumn('overwrites', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overwritten_at', 'timestamptz')
    .execute();
  await sql`create function assay_ci_upload_write_once() returns trigger language plpgsql as $$
    begin
      if old.results is not null and new.results is distinct from old.results then
        raise exception 'ci_uploads.results of % are write-once', old.id using errcode = 'check_violation';
      end if;
      if old.etag is not null and new.etag is distinct from old.etag then
        raise exception 'ci_uploads.etag of % is write-once', old.id using errcode = 'check_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ci_uploads_write_once before update on ci_uploads
    for each row execute function assay_ci_upload_write_once()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger ci_uploads_write_once on ci_uploads`.execute(db);
  await sql`drop function assay_ci_upload_write_once()`.execute(db);
  await db.schema
    .alterTable('ci_uploads')
    .dropColumn('etag')
    .dropColumn('results')
    .dropColumn('overwrites')
    .dropColumn('overwritten_at')
    .execute();
  await db.schema.dropIndex('repositories_live_full_name_key').execute();
  await db.schema.alterTable('repositories').dropColumn('renamed_at').execute();
  await db.schema.dropIndex('orgs_live_login_key').execute();
  await db.schema.alterTable('orgs').dropColumn('renamed_at').execute();
}
