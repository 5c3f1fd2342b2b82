import { type Kysely, sql } from 'kysely';

/**
 * Puts a table under tenant isolation: RLS enabled and forced (the owner too),
 * the tenant role limited to rows whose `column` equals `app.org_id`, the
 * system role admitted to all rows. Every tenant table calls this once.
 */
export async function enableTenantRls(db: Kysely<any>, table: string, column = 'org_id'): Promise<void> {
  const t = sql.table(table);
  const c = sql.ref(column);
  await sql`alter table ${t} enable row level security`.execute(db);
  await sql`alter table ${t} force row level security`.execute(db);
  await sql`create policy tenant_isolation on ${t} for all to assay_app
    using (${c} = assay_current_org_id()) with check (${c} = assay_current_org_id())`.execute(db);
  await sql`create policy system_access on ${t} for all to assay_system using (true) with check (true)`.execute(
    db,
  );
}
