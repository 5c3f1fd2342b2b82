import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 31: per-test quarantine (the `quarantine` setting): [{ name, classname?, file?, owner, reason, expires }].
  await sql`alter table repositories add column quarantine jsonb not null default '[]'::jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table repositories drop column quarantine`.execute(db);
}
