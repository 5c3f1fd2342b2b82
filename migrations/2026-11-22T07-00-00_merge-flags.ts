import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pull_requests').addColumn('flagged_for_merge_at', 'timestamptz').execute();
  await db.schema.alterTable('pull_requests').addColumn('flagged_sha', 'text').execute();
  await db.schema.alterTable('pull_requests').addColumn('flag_override', 'boolean').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['flag_override', 'flagged_sha', 'flagged_for_merge_at']) {
    await db.schema.alterTable('pull_requests').dropColumn(column).execute();
  }
}
