import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the observability routes: an organisation's webhook deliveries
 * newest first (by installation), and a repository's CI uploads newest first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index webhook_deliveries_installation_received_idx
    on webhook_deliveries (installation_id, received_at desc, delivery_id desc)`.execute(db);
  await sql`create index ci_uploads_run_created_idx on ci_uploads (ci_run_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists ci_uploads_run_created_idx`.execute(db);
  await sql`drop index if exists webhook_deliveries_installation_received_idx`.execute(db);
}
