import type { ColumnType, Generated } from 'kysely';
import type { QuarantineEntry } from '../analytics/quarantine.ts';

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
  /** Set when another GitHub account took this login: the row no longer answers to it. */
  renamed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Set when an owner asked for the organisation's deletion: from then on it is gone for everyone. */
  deleted_at: NullableTimestamp;
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
  /** Names or paths of the workflows that upload test reports (empty: every workflow counts). */
  test_workflows: Json<string[]>;
  /** What blocks the check: every failing test, or only those that passed on the base (issue 19). */
  gate: Generated<'all' | 'regressions'>;
  /** Tests flagged flaky do not block (they are listed). */
  quarantine_flaky: Generated<boolean>;
  /** Tests quarantined by name, each with owner, reason and expiry (`shared/analytics/quarantine.ts`). */
  quarantine: ColumnType<QuarantineEntry[], string | undefined, string>;
  /** Post (and keep up to date) the failed-tests comment on pull requests (issue 30). */
  failure_comment: Generated<boolean>;
  /** Fork reports prove criteria once a person trusts the head SHA, or also for known contributors. */
  fork_trust: Generated<'trusted_sha' | 'known_contributors'>;
  removed_at: NullableTimestamp;
  /** Set when another repository took this full name: the row no longer answers to it. */
  renamed_at: NullableTimestamp;
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
  /** `owner/repo#n` the issue was transferred to, if it was. */
  transferred_to: ColumnType<string | null, string | null | undefined, string | null>;
  transferred_to_repository_github_id: ColumnType<
    string | null,
    number | string | null | undefined,
    number | string | null
  >;
  transferred_at: NullableTimestamp;
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
  manifest_comment_id: BigIntColumn | null;
  manifest_comment_hash: string | null;
  flagged_for_merge_at: NullableTimestamp;
  flagged_sha: string | null;
  flag_override: boolean | null;
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

export type RoleName = 'owner' | 'admin' | 'member' | 'viewer';

export interface UsersTable {
  id: Generated<string>;
  github_id: BigIntColumn | null;
  login: string;
  name: string | null;
  avatar_url: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: RoleName;
  source: 'github' | 'invitation' | 'cli';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  refresh_hash: string;
  previous_refresh_hash: string | null;
  refresh_expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: Generated<Date>;
  rotated_at: NullableTimestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  org_id: string;
  user_id: string | null;
  name: string;
  role: RoleName;
  token_hash: string;
  prefix: string;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface InvitationsTable {
  id: Generated<string>;
  org_id: string;
  role: Exclude<RoleName, 'owner'>;
  login: string | null;
  token_hash: string;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_by: string | null;
  revoked_at: NullableTimestamp;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface AuditEventsTable {
  id: Generated<string>;
  org_id: string;
  created_at: Generated<Date>;
  actor_type: 'user' | 'api_token' | 'system' | 'github';
  actor_id: string | null;
  actor_login: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Json<Record<string, unknown>>;
  /** Set by the database trigger that chains rows. */
  prev_hash: Generated<string>;
  hash: Generated<string>;
}

export interface RateLimitWindowsTable {
  key: string;
  window_ends_at: Timestamp;
  count: number;
}

export type ItemSource = 'section' | 'gherkin' | 'tasklist' | 'modal' | 'llm';

export interface TidCountersTable {
  repository_id: string;
  org_id: string;
  last_tid: number;
}

export interface ChecklistsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  issue_number: number;
  current_version: Generated<number>;
  body_hash: string | null;
  truncated: Generated<boolean>;
  total_found: Generated<number>;
  used_llm: Generated<boolean>;
  comment_id: BigIntColumn | null;
  comment_hash: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChecklistItemsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  checklist_id: string;
  tid: number;
  text: string;
  source: ItemSource;
  position: number;
  status: 'active' | 'retired';
  first_version: number;
  retired_in_version: number | null;
  proven_at: NullableTimestamp;
  proven_sha: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChecklistVersionsTable {
  id: Generated<string>;
  org_id: string;
  checklist_id: string;
  version: number;
  body_hash: string;
  reason: string;
  items: Json<{ tid: number; text: string; source: ItemSource }[]>;
  created_at: Generated<Date>;
}

export interface PullManifestsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  pull_number: number;
  head_sha: string;
  links: Json<unknown[]>;
  entries: Json<unknown[]>;
  files_changed: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CheckRunsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  head_sha: string;
  name: string;
  github_id: BigIntColumn | null;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  output_hash: string | null;
  /** Fingerprints of the annotations already sent (GitHub appends annotations on every update). */
  annotated: Json<string[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A GitHub Actions workflow run seen for a head SHA (from `workflow_run` events). */
export interface WorkflowRunsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  github_id: BigIntColumn;
  head_sha: string;
  name: string | null;
  path: string | null;
  /** A re-run keeps the run id and starts a new attempt. */
  run_attempt: Generated<number>;
  status: string;
  conclusion: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A repository upload token: CI authenticates with it to get presigned upload URLs for that repository only. */
export interface UploadTokensTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** One CI run of a repository (unique per run id), tying its uploads to a head SHA and pull request. */
export interface CiRunsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  run_id: string;
  head_sha: string;
  pull_number: number | null;
  /** `github_app`: Assay pulled the reports from the workflow run's artifacts itself. */
  auth_kind: 'oidc' | 'upload_token' | 'github_app';
  upload_token_id: string | null;
  created_at: Generated<Date>;
  /** The git ref built (`refs/heads/main`, `refs/pull/12/merge`), when CI said. */
  ref: string | null;
  /** `upload`: CI sent the reports; `pulled`: Assay fetched them from the run's artifacts. */
  source: Generated<'upload' | 'pulled'>;
  /** Provenance of pulled reports: the GitHub workflow run, its file and blob SHA, the head repository. */
  workflow_run_id: BigIntColumn | null;
  workflow_path: string | null;
  workflow_sha: string | null;
  head_repository: string | null;
  /** The head repository is a fork: its reports prove criteria only once trusted. */
  from_fork: Generated<boolean>;
  /** The pull request changed the workflow file (null: not known). */
  workflow_changed: boolean | null;
  /** GitHub's `author_association` of the pull request's author when the reports were pulled. */
  author_association: string | null;
}

/** A workflow-run artifact named `assay-*` that Assay pulled (once per artifact). */
export interface CiArtifactsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  ci_run_id: string;
  github_id: BigIntColumn;
  name: string;
  size_bytes: BigIntColumn | null;
  status: 'pending' | 'pulled' | 'expired' | 'invalid' | 'rejected';
  error: string | null;
  files: Generated<number>;
  created_at: Generated<Date>;
  processed_at: NullableTimestamp;
}

/** A fork head SHA a person with write access trusted (`/assay trust` or the console). */
export interface TrustedShasTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  head_sha: string;
  trusted_by: string;
  via: 'command' | 'console';
  created_at: Generated<Date>;
}

/** A presigned upload issued to a CI run; the report consumer accepts only issued keys. */
export interface CiUploadsTable {
  id: Generated<string>;
  org_id: string;
  ci_run_id: string;
  kind: 'junit' | 'code-health' | 'ctrf' | 'attachment';
  object_key: string;
  content_type: string;
  expires_at: Timestamp;
  status: Generated<'issued' | 'received' | 'processed' | 'invalid' | 'rejected'>;
  created_at: Generated<Date>;
  size_bytes: BigIntColumn | null;
  error: string | null;
  counts: Json<unknown> | null;
  processed_at: NullableTimestamp;
  /** ETag of the object that was processed (write-once). */
  etag: string | null;
  /** What was read from a JUnit report when it was processed (write-once); validation merges these. */
  results: Json<unknown> | null;
  /** Later objects PUT at the same key: refused, counted, never read. */
  overwrites: Generated<number>;
  overwritten_at: NullableTimestamp;
  /** An attachment's test (suite, classname, name) in the same run. */
  test_identity: Json<{ suite: string; classname: string; name: string }> | null;
  /** An attachment's file name as uploaded. */
  file_name: string | null;
}

export interface ValidationsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  head_sha: string;
  conclusion: 'success' | 'failure' | 'action_required' | 'neutral' | 'pending';
  items: Json<unknown[]>;
  reports: number;
  counts: Json<Record<string, number>>;
  updated_at: Generated<Date>;
}

/** Code health of one CI run: every code-health report it uploaded, scored together and compared with the base branch. */
export interface CodeHealthRunsTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  ci_run_id: string;
  head_sha: string;
  branch: string | null;
  pull_number: number | null;
  reports: number;
  formats: Json<string[]>;
  score: number;
  counts: Json<Record<string, number>>;
  findings: Json<unknown[]>;
  findings_total: number;
  base_branch: string | null;
  base_run_id: string | null;
  base_score: number | null;
  delta: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A member following a repository (receives its notifications). */
export interface RepositoryFollowsTable {
  org_id: string;
  repository_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

/** An in-app notification for one user; `dedupe_key` is unique per user. */
export interface NotificationsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  subject: Json<Record<string, unknown>>;
  dedupe_key: string;
  read_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/** One export of an organisation's data: a ZIP in the bucket under `exports/`, kept 7 days. */
export interface OrgExportsTable {
  id: Generated<string>;
  org_id: string;
  status: ColumnType<
    'queued' | 'running' | 'ready' | 'failed',
    'queued' | undefined,
    'queued' | 'running' | 'ready' | 'failed'
  >;
  requested_by: string | null;
  object_key: string | null;
  bytes: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  counts: Json<Record<string, number>>;
  error: string | null;
  attempts: Generated<number>;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  expires_at: NullableTimestamp;
}

/** A deletion request and, once completed, the tombstone of a deleted organisation (system-only). */
export interface OrgDeletionsTable {
  id: Generated<string>;
  deleted_org_id: string;
  login: string;
  github_account_id: BigIntColumn;
  installation_ids: ColumnType<string[], string[] | number[] | undefined, string[] | number[]>;
  object_prefixes: ColumnType<string[], string[] | undefined, string[]>;
  requested_by: string;
  requested_at: Generated<Date>;
  status: ColumnType<
    'queued' | 'running' | 'completed',
    'queued' | undefined,
    'queued' | 'running' | 'completed'
  >;
  counts: Json<Record<string, number>>;
  attempts: Generated<number>;
  completed_at: NullableTimestamp;
}

/** A crawl of the application under test (SPEC §8). */
export interface CrawlsTable {
  id: Generated<string>;
  org_id: string;
  start_url: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  max_pages: number;
  max_depth: number;
  scope: 'same-origin' | 'same-hostname';
  exclude: Json<string[]>;
  respect_robots_txt: boolean;
  /** Login steps without their values (`hasValue` tells whether one is kept in `login_secrets`). */
  login_steps: Json<{ action: string; url?: string; selector?: string; hasValue: boolean }[]>;
  /** AES-256-GCM envelope of the steps' values; erased when the run ends. */
  login_secrets: string | null;
  pages_crawled: Generated<number>;
  pages_failed: Generated<number>;
  pages_skipped: Generated<number>;
  stop_reason: string | null;
  error: string | null;
  attempts: Generated<number>;
  requested_by: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

/** One page a crawl visited. `body` holds headings, links, forms and buttons (see `crawlPageBodySchema`). */
export interface CrawlPagesTable {
  id: Generated<string>;
  org_id: string;
  crawl_id: string;
  seq: number;
  url: string;
  depth: number;
  outcome: 'crawled' | 'failed' | 'skipped';
  http_status: number | null;
  title: string | null;
  body: Json<Record<string, unknown>>;
  aria_snapshot: string | null;
  screenshot_key: string | null;
  created_at: Generated<Date>;
}

/** BIGINT counter with a default: read as string, written as number or string, optional on insert. */
export type BigIntCounter = ColumnType<
  string,
  number | string | bigint | undefined,
  number | string | bigint
>;

/** Statuses of an agent run (issue 18). */
export type AgentRunStatus =
  | 'running'
  | 'awaiting_approval'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'cancelled'
  | 'timed_out'
  | 'budget_exceeded';

/** One agent pipeline run (`shared/agents/agent-runs.*`). */
export interface AgentRunsTable {
  id: Generated<string>;
  org_id: string;
  status: AgentRunStatus;
  stage: string | null;
  repository_id: string | null;
  repository: string | null;
  issues: Json<number[]>;
  document_ids: Json<string[]>;
  crawl_id: string | null;
  instructions: string | null;
  approvals: 'each-stage' | 'none';
  token_budget: number | null;
  prompt_tokens: BigIntCounter;
  completion_tokens: BigIntCounter;
  total_tokens: BigIntCounter;
  stage_tokens: Json<Record<string, number>>;
  model: string | null;
  prompt_versions: Json<Record<string, string>>;
  verify: Json<Record<string, unknown> | null> | null;
  execution_id: string | null;
  error_code: string | null;
  error: string | null;
  requested_by: string | null;
  requested_by_login: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

/** A human approval of one stage of an agent run; `task_token` resumes the waiting execution. */
export interface AgentRunApprovalsTable {
  id: Generated<string>;
  org_id: string;
  run_id: string;
  stage: 'analyst' | 'qa';
  status: 'pending' | 'approved' | 'edited' | 'rejected' | 'expired' | 'cancelled';
  task_token: string | null;
  decision: 'approve' | 'edit' | 'reject' | null;
  decided_by: string | null;
  decided_by_login: string | null;
  decided_via: 'api' | 'github' | null;
  comment: string | null;
  decided_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  github_comment_id: BigIntColumn | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** An event of an agent run; `id` orders them (SSE id, polling cursor). */
export interface AgentRunEventsTable {
  id: Generated<BigIntColumn>;
  /** The event's number within its run (1, 2 …): the id clients see and resume after. */
  seq: BigIntColumn;
  org_id: string;
  run_id: string;
  type: string;
  stage: string | null;
  data: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  created_at: Generated<Date>;
}

/** An artifact of an agent run (stable id; versions in `agent_run_artifact_versions`). */
export interface AgentRunArtifactsTable {
  id: Generated<string>;
  org_id: string;
  run_id: string;
  kind: 'requirements' | 'test-cases' | 'playwright-test' | 'verify-report';
  name: string;
  stage: string;
  current_version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** One version of an artifact. */
export interface AgentRunArtifactVersionsTable {
  id: Generated<string>;
  org_id: string;
  artifact_id: string;
  version: number;
  content: Json<unknown>;
  source: 'agent' | 'human';
  created_by: string | null;
  created_by_login: string | null;
  created_at: Generated<Date>;
}

/** LLM tokens an organisation spent in a calendar month (`YYYY-MM`, UTC). */
export interface OrgTokenUsageTable {
  org_id: string;
  month: string;
  prompt_tokens: BigIntCounter;
  completion_tokens: BigIntCounter;
  total_tokens: BigIntCounter;
  llm_calls: Generated<number>;
  updated_at: Generated<Date>;
}

/** Every table the product reads or writes, for Kysely's types. */
/** A requirement document (`shared/documents`). */
export interface DocumentsTable {
  id: Generated<string>;
  org_id: string;
  title: string;
  filename: string;
  content_type: string;
  kind: 'pdf' | 'docx' | 'markdown' | 'text' | 'csv' | 'html';
  bytes: BigIntColumn;
  object_key: string | null;
  status: Generated<'pending' | 'processing' | 'ready' | 'failed'>;
  failure_reason:
    | 'encrypted'
    | 'corrupt'
    | 'unsupported_type'
    | 'too_large'
    | 'empty'
    | 'embedding_failed'
    | null;
  message: string | null;
  page_count: number | null;
  chunk_count: Generated<number>;
  embedding_model: string | null;
  embedding_dimensions: number | null;
  created_by: string | null;
  upload_expires_at: NullableTimestamp;
  processing_started_at: NullableTimestamp;
  ready_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A chunk of a document with its embedding (pgvector, written as `'[…]'` text) and full-text vector `tsv`. */
export interface DocumentChunksTable {
  id: Generated<string>;
  org_id: string;
  document_id: string;
  ordinal: number;
  heading_path: string[];
  heading_text: string;
  text: string;
  token_count: number;
  page: number | null;
  embedding: string;
  embedding_model: string;
  embedding_dimensions: number;
  /** `tsvector`, written with the chunk by `searchVector` (unspaced scripts segmented). */
  tsv: string;
  created_at: Generated<Date>;
}

export type TestResultStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/** A test identity of a repository (`shared/analytics`). */
export interface TestCasesTable {
  id: Generated<string>;
  org_id: string;
  repository_id: string;
  /** SHA-256 (hex) of the normalised suite, classname and full name, and file when the report gave one. */
  identity: string;
  /** SHA-256 (hex) of the normalised suite, classname and full name (the identity without its file). */
  legacy_identity: string;
  suite: string;
  classname: string;
  name: string;
  /** The test's file (repository-relative where it could be mapped); null when its reports gave none. */
  file: string | null;
  /** A part was longer than stored and is cut (the identity covers it whole). */
  truncated: Generated<boolean>;
  tids: Json<string[]>;
  runs: Generated<number>;
  passed: Generated<number>;
  failed: Generated<number>;
  errored: Generated<number>;
  skipped: Generated<number>;
  last_status: TestResultStatus | null;
  last_seen_at: NullableTimestamp;
  last_flaky_at: NullableTimestamp;
  /** When its last attempt in a report last failed or errored. */
  last_failed_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/** One result of one test in one processed report. */
export interface TestResultsTable {
  id: Generated<string>;
  org_id: string;
  test_case_id: string;
  upload_id: string;
  ordinal: number;
  status: TestResultStatus;
  duration_ms: number | null;
  retried: boolean;
  /** A later attempt of the same test in the same report (a retry) replaced this one. */
  superseded: Generated<boolean>;
  created_at: Generated<Date>;
}

/** Counters per test, branch and day (`''`: branch unknown). */
export interface TestDailyTable {
  org_id: string;
  repository_id: string;
  test_case_id: string;
  branch: string;
  day: ColumnType<string, string, string>;
  runs: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  shas: number;
  flaky_shas: number;
  last_status: TestResultStatus;
  last_at: Timestamp;
}

/** A commit on which a test was flaky. */
export interface TestFlakyShasTable {
  org_id: string;
  repository_id: string;
  test_case_id: string;
  head_sha: string;
  branch: string;
  reason: 'passed_and_failed' | 'retried';
  detected_at: Generated<Date>;
}

/** The daily metrics rollup per repository and branch (`'*'`: all branches). */
export interface AnalyticsDailyTable {
  org_id: string;
  repository_id: string;
  branch: string;
  day: ColumnType<string, string, string>;
  reports: number;
  results: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  median_duration_ms: number | null;
  flaky_tests: number;
  criteria_active: number;
  criteria_proven: number;
  rolled_up_at: Generated<Date>;
}

export interface Database {
  orgs: OrgsTable;
  installations: InstallationsTable;
  repositories: RepositoriesTable;
  issues: IssuesTable;
  pull_requests: PullRequestsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  audit_events: AuditEventsTable;
  rate_limit_windows: RateLimitWindowsTable;
  tid_counters: TidCountersTable;
  checklists: ChecklistsTable;
  checklist_items: ChecklistItemsTable;
  checklist_versions: ChecklistVersionsTable;
  pull_manifests: PullManifestsTable;
  check_runs: CheckRunsTable;
  workflow_runs: WorkflowRunsTable;
  ci_artifacts: CiArtifactsTable;
  trusted_shas: TrustedShasTable;
  upload_tokens: UploadTokensTable;
  ci_runs: CiRunsTable;
  ci_uploads: CiUploadsTable;
  validations: ValidationsTable;
  code_health_runs: CodeHealthRunsTable;
  repository_follows: RepositoryFollowsTable;
  notifications: NotificationsTable;
  org_exports: OrgExportsTable;
  org_deletions: OrgDeletionsTable;
  crawls: CrawlsTable;
  crawl_pages: CrawlPagesTable;
  documents: DocumentsTable;
  document_chunks: DocumentChunksTable;
  test_cases: TestCasesTable;
  test_results: TestResultsTable;
  test_daily: TestDailyTable;
  test_flaky_shas: TestFlakyShasTable;
  analytics_daily: AnalyticsDailyTable;
  agent_runs: AgentRunsTable;
  agent_run_approvals: AgentRunApprovalsTable;
  agent_run_events: AgentRunEventsTable;
  agent_run_artifacts: AgentRunArtifactsTable;
  agent_run_artifact_versions: AgentRunArtifactVersionsTable;
  org_token_usage: OrgTokenUsageTable;
}
