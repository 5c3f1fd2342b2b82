/**
 * SQL for moving an organisation's rows out (export) and removing them
 * (deletion), table by table, in bounded batches. Table and column names come
 * from {@link TENANT_TABLES} and the system catalog, never from input.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { TenantTable } from './tenant-tables.ts';

/** Rows read or removed per statement. */
export const ROW_BATCH = 2000;

interface KeyColumn {
  name: string;
  type: string;
}

/** Primary-key columns of `table` in key order, with their SQL types (empty when it has none). */
export async function primaryKeyColumns(db: Kysely<Database>, table: string): Promise<KeyColumn[]> {
  const result = await sql<KeyColumn>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_index i
    join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, position) on true
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    where i.indrelid = to_regclass(${`public.${table}`}) and i.indisprimary
    order by k.position`.execute(db);
  return result.rows;
}

/** Column names and SQL types of `table`, in table order (the export's documented schema). */
export async function tableColumns(
  db: Kysely<Database>,
  table: string,
): Promise<{ name: string; type: string; nullable: boolean }[]> {
  const result = await sql<{ name: string; type: string; nullable: boolean }>`
    select column_name as name, data_type as type, is_nullable = 'YES' as nullable
    from information_schema.columns
    where table_schema = 'public' and table_name = ${table}
    order by ordinal_position`.execute(db);
  return result.rows;
}

/**
 * The organisation's rows of `table` as JSON Lines (one `to_jsonb` object per
 * line, minus the table's omitted columns), read in primary-key order a batch
 * at a time inside the tenant's own transaction (row-level security is a
 * second guard beside the `WHERE`). Yields one array of lines (each ending in
 * `\n`) per batch, so a stream can pass a batch as one chunk; memory holds one batch.
 */
export async function* tableLines(
  db: Kysely<Database>,
  orgId: string,
  table: TenantTable,
  batch = ROW_BATCH,
): AsyncGenerator<string[]> {
  const keys = await primaryKeyColumns(db, table.name);
  const t = sql.table(table.name);
  const omit = sql`${sql.val(table.omit)}::text[]`;
  const keyList = keys.length > 0 ? sql.join(keys.map((k) => sql.ref(`t.${k.name}`))) : sql`t.ctid`;
  const keyText =
    keys.length > 0
      ? sql.join(keys.map((k, i) => sql`t.${sql.ref(k.name)}::text as ${sql.ref(`k${i}`)}`))
      : sql`t.ctid::text as k0`;
  let after: string[] | undefined;
  for (;;) {
    const from = after;
    const bound =
      from === undefined
        ? sql`true`
        : keys.length > 0
          ? sql`(${keyList}) > (${sql.join(keys.map((k, i) => sql`${from[i]}::${sql.raw(k.type)}`))})`
          : sql`t.ctid > ${from[0]}::tid`;
    const rows = await withTenant(db, orgId, async (trx) => {
      const result = await sql<Record<string, string>>`
        select ((to_jsonb(t) - ${omit})::text) as line, ${keyText}
        from ${t} as t
        where t.${sql.ref(table.orgColumn)} = ${orgId} and ${bound}
        order by ${keyList}
        limit ${batch}`.execute(trx);
      return result.rows;
    });
    if (rows.length > 0) yield rows.map((row) => `${row.line}\n`);
    if (rows.length < batch) return;
    const last = rows[rows.length - 1] as Record<string, string>;
    after = (keys.length > 0 ? keys : [{ name: 'ctid', type: 'tid' }]).map((_, i) => last[`k${i}`] ?? '');
  }
}

/**
 * Orders `tables` so that every table comes before the tables it references
 * by foreign key (children before parents): deleting in this order never
 * breaks a constraint. Cycles (none today) keep their listed order.
 */
export async function deletionOrder(db: Kysely<Database>, tables: readonly string[]): Promise<string[]> {
  const result = await sql<{ child: string; parent: string }>`
    select cl.relname as child, pl.relname as parent
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_class pl on pl.oid = c.confrelid
    join pg_namespace n on n.oid = cl.relnamespace
    where c.contype = 'f' and n.nspname = 'public'`.execute(db);
  const wanted = new Set(tables);
  const children = new Map<string, Set<string>>();
  for (const { child, parent } of result.rows) {
    if (child === parent || !wanted.has(child) || !wanted.has(parent)) continue;
    const set = children.get(parent) ?? new Set<string>();
    set.add(child);
    children.set(parent, set);
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string) => {
    if (state.get(table)) return;
    state.set(table, 'visiting');
    for (const child of children.get(table) ?? []) visit(child);
    state.set(table, 'done');
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/**
 * Deletes up to `batch` of the organisation's rows from `table` and adds the
 * number to the deletion's counts in the same transaction, so the counts
 * stay right across a crash and a repeat. Returns how many rows went.
 */
export async function deleteRowBatch(
  db: Kysely<Database>,
  deletionId: string,
  orgId: string,
  table: TenantTable,
  batch = ROW_BATCH,
): Promise<number> {
  return withSystem(db, async (trx) => {
    const t = sql.table(table.name);
    const column = sql.ref(table.orgColumn);
    const result = await sql`
      delete from ${t} where ctid = any(array(
        select ctid from ${t} where ${column} = ${orgId} limit ${batch}))`.execute(trx);
    const removed = Number(result.numAffectedRows ?? 0n);
    if (removed > 0) await addCount(trx, deletionId, table.name, removed);
    return removed;
  });
}

/** Adds `n` to `counts[name]` of a deletion. */
export async function addCount(
  db: Kysely<Database>,
  deletionId: string,
  name: string,
  n: number,
): Promise<void> {
  await sql`update org_deletions
    set counts = jsonb_set(counts, array[${name}]::text[], to_jsonb(coalesce((counts->>${name})::bigint, 0) + ${n}))
    where id = ${deletionId}`.execute(db);
}

/** Tables of the public schema with an `org_id` column (what completeness is checked against). */
export async function tablesWithOrgId(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'org_id' and t.table_type = 'BASE TABLE'
    order by c.table_name`.execute(db);
  return result.rows.map((r) => r.table_name);
}
