import { type Kysely, sql } from 'kysely';

/**
 * The migrating user — Aurora's master user, which owns the tables and is also
 * the user the functions connect as — holds `assay_app` and `assay_system` to
 * SET them (`withTenant`, `withSystem`), not to inherit them. The first
 * migration's `grant … to current_user` inherits on PostgreSQL 16+, and a role
 * that inherits `assay_system` is admitted by every tenant table's
 * `system_access` policy: a query that forgot withTenant/withSystem would read
 * and write every tenant's rows. Without inheritance, forced row-level
 * security gives the owner no policy, so such a query sees no rows and its
 * inserts are refused — the same on Aurora as on the local database.
 * PostgreSQL 15 and older keep inheritance on the role, not the grant: left
 * as they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
    if current_setting('server_version_num')::int >= 160000 then
      execute 'grant assay_app, assay_system to current_user with inherit false, set true';
    end if;
  end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`do $$ begin
    if current_setting('server_version_num')::int >= 160000 then
      execute 'grant assay_app, assay_system to current_user with inherit true, set true';
    end if;
  end $$`.execute(db);
}
