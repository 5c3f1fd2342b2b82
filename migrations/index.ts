import type { Migration } from 'kysely/migration';
import * as orgsAndTenancy from './2026-11-22T00-00-00_orgs-and-tenancy.ts';

/**
 * Every migration, in order. A bundled Lambda cannot scan a folder, so new
 * migrations are listed here by hand; names sort in time order.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-00_orgs-and-tenancy': orgsAndTenancy,
};
