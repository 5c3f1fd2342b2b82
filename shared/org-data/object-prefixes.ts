import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { TENANT_TABLES } from './tenant-tables.ts';

/** Where an organisation's objects are. */
export interface OrgObjects {
  /** Prefixes (`orgs/{login}/`, ending in `/`) that hold only this organisation's objects. */
  prefixes: string[];
  /**
   * Keys the organisation's rows name under a prefix it shares with another organisation row (a
   * login that another account took after a rename): only these are the organisation's.
   */
  keys: string[];
}

/**
 * Every bucket object of the organisation: `orgs/{login}/` for its current
 * login, plus `orgs/{x}/` for every other login its stored object keys name
 * (objects written before a rename keep their old prefix). Reads every text
 * column called `*_key` of the tenant tables, so a table added later with an
 * object key is covered without a change here. A prefix whose login another
 * organisation row also has is never taken whole: only the keys this
 * organisation's rows name under it are.
 */
export async function orgObjects(db: Kysely<Database>, orgId: string, login: string): Promise<OrgObjects> {
  return withSystem(db, (trx) => orgObjectsIn(trx, orgId, login));
}

/** {@link orgObjects} inside a system transaction the caller holds. */
export async function orgObjectsIn(
  trx: Transaction<Database>,
  orgId: string,
  login: string,
): Promise<OrgObjects> {
  const tables = TENANT_TABLES.map((t) => t.name);
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and column_name like '%\\_key' and data_type = 'text'
      and table_name = any(${tables}::text[])`.execute(trx);
  const referenced: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const table = TENANT_TABLES.find((t) => t.name === table_name);
    if (!table) continue;
    const found = await sql<{ key: string }>`
      select ${sql.ref(column_name)} as key from ${sql.table(table_name)}
      where ${sql.ref(table.orgColumn)} = ${orgId} and ${sql.ref(column_name)} like 'orgs/%/%'`.execute(trx);
    for (const row of found.rows) referenced.push(row.key);
  }
  const loginOf = (key: string) => key.split('/')[1] ?? '';
  const logins = new Set([login, ...referenced.map(loginOf)]);
  const shared = await trx
    .selectFrom('orgs')
    .select(sql<string>`lower(login)`.as('login'))
    .where('id', '!=', orgId)
    .where(
      sql`lower(login)`,
      'in',
      [...logins].map((l) => l.toLowerCase()),
    )
    .execute();
  const sharedLogins = new Set(shared.map((r) => r.login));
  const isShared = (l: string) => sharedLogins.has(l.toLowerCase());
  return {
    prefixes: [...logins]
      .filter((l) => !isShared(l))
      .map((l) => `orgs/${l}/`)
      .sort(),
    keys: [...new Set(referenced.filter((key) => isShared(loginOf(key))))].sort(),
  };
}
