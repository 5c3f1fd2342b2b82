import type { ColumnType, Generated } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Nullable timestamp. */
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** BIGINT: read as string (exact), written as number or string. */
export type BigIntColumn = ColumnType<string, number | string | bigint, number | string | bigint>;
/** JSON column. */
export type Json<T> = ColumnType<T, string | undefined, string>;

/** A tenant: a GitHub organisation or user account that installed the App. */
export interface OrgsTable {
  id: Generated<string>;
  github_account_id: BigIntColumn;
  login: string;
  account_type: 'Organization' | 'User';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A GitHub App installation (id = GitHub's installation id). */
export interface InstallationsTable {
  id: BigIntColumn;
  org_id: string;
  target_type: string | null;
  repository_selection: string | null;
  permissions: Json<Record<string, string>>;
  events: Json<string[]>;
  suspended_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A repository the App can see; `removed_at` once it left the installation. */
export interface RepositoriesTable {
  id: Generated<string>;
  org_id: string;
  installation_id: BigIntColumn;
  github_id: BigIntColumn;
  owner: string;
  name: string;
  full_name: string;
  private: boolean;
  default_branch: string | null;
  removed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IssuesTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  author: string | null;
  html_url: string | null;
  deleted_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PullRequestsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  author: string | null;
  head_sha: string;
  head_ref: string;
  base_ref: string;
  html_url: string | null;
  closed_at: NullableTimestamp;
  merged_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DeliveryStatus = 'received' | 'processed' | 'ignored' | 'failed';

/** One GitHub webhook delivery, keyed by `X-GitHub-Delivery`. System-only (no tenant yet). */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  action: string | null;
  installation_id: BigIntColumn | null;
  payload: string | null;
  payload_key: string | null;
  payload_bytes: number;
  status: Generated<DeliveryStatus>;
  outcome: string | null;
  error: string | null;
  attempts: Generated<number>;
  sweeps: Generated<number>;
  claimed_at: NullableTimestamp;
  received_at: Generated<Date>;
  enqueued_at: NullableTimestamp;
  processed_at: NullableTimestamp;
}

/** Every table the product reads or writes, for Kysely's types. */
export interface Database {
  orgs: OrgsTable;
  installations: InstallationsTable;
  repositories: RepositoriesTable;
  issues: IssuesTable;
  pull_requests: PullRequestsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
