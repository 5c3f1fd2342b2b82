import { type Kysely, sql } from 'kysely';

/**
 * Agent-run event ids a client sees (SSE `id:`, the `after` cursor) become a
 * per-run sequence (1, 2, 3 … within each run): the table-wide identity
 * column counted every organisation's events, so gaps between a run's ids
 * revealed other tenants' activity. `id` stays the internal key.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('agent_run_events').addColumn('seq', 'bigint').execute();
  await sql`
    update agent_run_events e set seq = n.seq
    from (select id, row_number() over (partition by run_id order by id) as seq from agent_run_events) n
    where n.id = e.id`.execute(db);
  await sql`alter table agent_run_events alter column seq set not null`.execute(db);
  await db.schema
    .alterTable('agent_run_events')
    .addUniqueConstraint('agent_run_events_run_seq', ['run_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('agent_run_events').dropConstraint('agent_run_events_run_seq').execute();
  await db.schema.alterTable('agent_run_events').dropColumn('seq').execute();
}
