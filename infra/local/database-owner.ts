import type { PGlite } from '@electric-sql/pglite';

/**
 * The role the app's connections to the embedded database run as, in place of
 * Aurora's master user: it owns the database, the schema and every table, and
 * it is neither a superuser nor BYPASSRLS. PGlite ignores the user a client
 * names at connection and runs everything as the superuser `postgres`, which
 * row-level security does not bind, so clients switch to this role with a
 * session-level `SET ROLE` (`ASSAY_DB_SESSION_ROLE`). The session user stays
 * `postgres`, which is what lets a test step out to the superuser for one
 * transaction (`SET LOCAL ROLE postgres`).
 */
export const LOCAL_OWNER_ROLE = 'assay_owner';

/**
 * Prepares a PGlite database for {@link LOCAL_OWNER_ROLE}; run as the superuser
 * before anything connects, on every start (idempotent, a few milliseconds):
 *
 * - the owner role (NOSUPERUSER NOBYPASSRLS), and `assay_app` / `assay_system`
 *   held by it WITH ADMIN OPTION and neither INHERIT nor SET — what a master
 *   user with CREATEROLE gets on Aurora (PostgreSQL 16+) when it creates them;
 *   the migrations then grant themselves SET;
 * - the database owned by it, so it owns `public` through `pg_database_owner`
 *   (CREATE in `public` on PostgreSQL 15+) and may create schemas, as the
 *   master user does in the database it created;
 * - `vector`, which only a superuser creates (on Aurora, rds_superuser), so the
 *   first migration finds it there;
 * - a data directory migrated before this role existed (its objects owned by
 *   `postgres`) handed over: tables, views, sequences, functions, types and
 *   schemas, extension members excepted, and the default privileges the first
 *   migration gave the tables created after it.
 */
export async function prepareDatabaseOwner(db: PGlite): Promise<void> {
  await db.exec(BOOTSTRAP);
}

const BOOTSTRAP = `
do $assay_bootstrap$
declare
  owner_role constant text := '${LOCAL_OWNER_ROLE}';
  r text;
  obj record;
  handed_over boolean := false;
begin
  if to_regrole(owner_role) is null then
    execute format('create role %I nologin nosuperuser nobypassrls nocreatedb nocreaterole', owner_role);
  end if;
  foreach r in array array['assay_app', 'assay_system'] loop
    if to_regrole(r) is null then
      execute format('create role %I nologin', r);
    end if;
    if not exists (select 1 from pg_auth_members m
                   where m.roleid = to_regrole(r) and m.member = to_regrole(owner_role) and m.admin_option) then
      execute format('grant %I to %I with admin true, inherit false, set false', r, owner_role);
    end if;
  end loop;
  if (select datdba from pg_database where datname = current_database()) <> to_regrole(owner_role) then
    execute format('alter database %I owner to %I', current_database(), owner_role);
  end if;
  create extension if not exists vector;

  -- Objects created before the owner role existed belong to the superuser: hand them over.
  for obj in
    select format('alter %s %s owner to %I',
             case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                            when 'f' then 'foreign table' else 'table' end,
             c.oid::regclass, owner_role) as stmt
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f')
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
      and c.relowner in (select oid from pg_roles where rolsuper)
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  loop
    handed_over := true;
    execute obj.stmt;
  end loop;
  -- Sequences owned by a column moved with their table; standalone ones remain.
  for obj in
    select format('alter sequence %s owner to %I', c.oid::regclass, owner_role) as stmt
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'S'
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
      and c.relowner in (select oid from pg_roles where rolsuper)
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  loop
    handed_over := true;
    execute obj.stmt;
  end loop;
  for obj in
    select format('alter routine %s owner to %I', p.oid::regprocedure, owner_role) as stmt
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
      and p.proowner in (select oid from pg_roles where rolsuper)
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    handed_over := true;
    execute obj.stmt;
  end loop;
  -- Enums, domains, ranges and standalone composite types (a table's row type moved with it).
  for obj in
    select format('alter %s %s owner to %I', case t.typtype when 'd' then 'domain' else 'type' end,
             t.oid::regtype, owner_role) as stmt
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where (t.typtype in ('e', 'd', 'r')
           or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
      and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
      and t.typowner in (select oid from pg_roles where rolsuper)
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
  loop
    handed_over := true;
    execute obj.stmt;
  end loop;
  for obj in
    select format('alter schema %I owner to %I', n.nspname, owner_role) as stmt
    from pg_namespace n
    where n.nspname not like 'pg\\_%' and n.nspname not in ('information_schema', 'public')
      and n.nspowner in (select oid from pg_roles where rolsuper)
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
  loop
    handed_over := true;
    execute obj.stmt;
  end loop;
  if handed_over then
    execute format('alter default privileges for role %I in schema public
      grant select, insert, update, delete on tables to assay_app, assay_system', owner_role);
    execute format('alter default privileges for role %I in schema public
      grant usage, select on sequences to assay_app, assay_system', owner_role);
  end if;
end
$assay_bootstrap$;
`;
