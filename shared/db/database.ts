import type { ColumnType, Generated } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A tenant: a GitHub organisation or user account that installed the App. */
export interface OrgsTable {
  id: Generated<string>;
  github_account_id: string | number | bigint;
  login: string;
  account_type: 'Organization' | 'User';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Every table the product reads or writes, for Kysely's types. */
export interface Database {
  orgs: OrgsTable;
}
