import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // A crawl of the application under test: what was asked, where it stands, and its counts.
  await db.schema
    .createTable('crawls')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('start_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
    )
    .addColumn('max_pages', 'integer', (c) => c.notNull())
    .addColumn('max_depth', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('same-origin', 'same-hostname')`))
    .addColumn('exclude', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('respect_robots_txt', 'boolean', (c) => c.notNull())
    // Login steps without their values; the values live encrypted in login_secrets until the run ends.
    .addColumn('login_steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('login_secrets', 'text')
    .addColumn('pages_crawled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages_skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stop_reason', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('crawls_org_created_idx')
    .on('crawls')
    .columns(['org_id', 'created_at', 'id'])
    .execute();

  // One row per page a crawl visited, once per URL (a retried run overwrites, never duplicates).
  await db.schema
    .createTable('crawl_pages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('crawl_id', 'uuid', (c) => c.notNull().references('crawls.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('crawled', 'failed', 'skipped')`))
    .addColumn('http_status', 'integer')
    .addColumn('title', 'text')
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('aria_snapshot', 'text')
    .addColumn('screenshot_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('crawl_pages_crawl_url', ['crawl_id', 'url'])
    .execute();
  await db.schema
    .createIndex('crawl_pages_crawl_seq_idx')
    .on('crawl_pages')
    .columns(['crawl_id', 'seq'])
    .execute();

  for (const table of ['crawls', 'crawl_pages']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crawl_pages').execute();
  await db.schema.dropTable('crawls').execute();
}
