import { type Kysely, sql, type Transaction } from 'kysely';
import { ValidationError } from '../errors.ts';
import { uuid } from '../text/uuid.ts';
import type { Database } from './database.ts';

/** Role whose row-level-security policies admit only the current tenant's rows. */
export const TENANT_ROLE = 'assay_app';
/** Role for cross-tenant system work (webhook intake, sweepers, migrations of data). */
export const SYSTEM_ROLE = 'assay_system';

const orgIdSchema = uuid();

/**
 * Runs `fn` in a transaction that can see and write only `orgId`'s rows: the
 * role is switched to {@link TENANT_ROLE} and `app.org_id` is set for this
 * transaction alone, so a query that forgets `WHERE org_id` still cannot reach
 * another tenant.
 */
export async function withTenant<T>(
  db: Kysely<Database>,
  orgId: string,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!orgIdSchema.safeParse(orgId).success) throw new ValidationError('Organisation id must be a UUID');
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${TENANT_ROLE}, true), set_config('app.org_id', ${orgId}, true)`.execute(
      trx,
    );
    return fn(trx);
  });
}

/**
 * Runs `fn` in a transaction as {@link SYSTEM_ROLE}, which every tenant table's
 * policy admits. Only for work that is not on behalf of one tenant.
 */
export async function withSystem<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${SYSTEM_ROLE}, true)`.execute(trx);
    return fn(trx);
  });
}
