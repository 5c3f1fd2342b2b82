import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Issue 30: the failure comment on pull requests (on by default) and how far fork reports are trusted.
  await sql`alter table repositories
    add column failure_comment boolean not null default true,
    add column fork_trust text not null default 'trusted_sha' check (fork_trust in ('trusted_sha', 'known_contributors'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table repositories drop column failure_comment, drop column fork_trust`.execute(db);
}
