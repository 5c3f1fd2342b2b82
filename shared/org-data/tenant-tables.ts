/**
 * Every table that holds an organisation's data, for export and deletion.
 *
 * A migration that adds a tenant table must add it here: a test compares this
 * list with the tables the database puts under tenant isolation (and with
 * every table that has an `org_id` column), so neither the export nor the
 * deletion can silently miss one.
 *
 * @module
 */

/** One tenant table and how its rows leave the system. */
export interface TenantTable {
  /** Table name. */
  readonly name: string;
  /** Column holding the organisation's id (`id` for `orgs` itself). */
  readonly orgColumn: 'org_id' | 'id';
  /**
   * Columns never exported: credentials and their hashes, encrypted secrets.
   * The rows are still exported without them.
   */
  readonly omit: readonly string[];
  /** What the table holds, for the export's documentation (manifest `tables[].description`). */
  readonly description: string;
}

/** Version of the export format: bumped when a file's shape changes (README, "Export format"). */
export const EXPORT_FORMAT_VERSION = 1;

/**
 * THE list of tenant tables. Order is for reading the export only; deletion
 * orders tables by their foreign keys at run time.
 */
export const TENANT_TABLES: readonly TenantTable[] = [
  { name: 'orgs', orgColumn: 'id', omit: [], description: 'The organisation itself' },
  { name: 'installations', orgColumn: 'org_id', omit: [], description: 'GitHub App installations' },
  { name: 'repositories', orgColumn: 'org_id', omit: [], description: 'Repositories the App sees' },
  { name: 'issues', orgColumn: 'org_id', omit: [], description: 'Issues known to Assay' },
  { name: 'pull_requests', orgColumn: 'org_id', omit: [], description: 'Pull requests known to Assay' },
  { name: 'memberships', orgColumn: 'org_id', omit: [], description: 'Members and their roles' },
  {
    name: 'api_tokens',
    orgColumn: 'org_id',
    omit: ['token_hash'],
    description: 'API tokens (names, roles, prefixes, dates; never the hash)',
  },
  {
    name: 'invitations',
    orgColumn: 'org_id',
    omit: ['token_hash'],
    description: 'Invitations (never the hash of the invitation token)',
  },
  { name: 'audit_events', orgColumn: 'org_id', omit: [], description: 'The hash-chained audit log' },
  { name: 'audit_chain_heads', orgColumn: 'org_id', omit: [], description: 'Last hash of the audit chain' },
  { name: 'tid_counters', orgColumn: 'org_id', omit: [], description: 'Next test id per repository' },
  { name: 'checklists', orgColumn: 'org_id', omit: [], description: 'Acceptance-criteria checklists' },
  { name: 'checklist_items', orgColumn: 'org_id', omit: [], description: 'Checklist items and their TIDs' },
  { name: 'checklist_versions', orgColumn: 'org_id', omit: [], description: 'Versions of each checklist' },
  { name: 'pull_manifests', orgColumn: 'org_id', omit: [], description: 'Test manifests of pull requests' },
  { name: 'check_runs', orgColumn: 'org_id', omit: [], description: 'Assay check runs written to GitHub' },
  {
    name: 'upload_tokens',
    orgColumn: 'org_id',
    omit: ['token_hash'],
    description: 'CI upload tokens (never the hash)',
  },
  { name: 'ci_runs', orgColumn: 'org_id', omit: [], description: 'CI runs that uploaded reports' },
  { name: 'ci_uploads', orgColumn: 'org_id', omit: [], description: 'Uploaded reports and their results' },
  {
    name: 'ci_artifacts',
    orgColumn: 'org_id',
    omit: [],
    description: 'Workflow-run artifacts Assay pulled reports from',
  },
  {
    name: 'trusted_shas',
    orgColumn: 'org_id',
    omit: [],
    description: 'Fork head commits a person trusted',
  },
  { name: 'validations', orgColumn: 'org_id', omit: [], description: 'Validation of each head commit' },
  { name: 'code_health_runs', orgColumn: 'org_id', omit: [], description: 'Code health per CI run' },
  { name: 'repository_follows', orgColumn: 'org_id', omit: [], description: 'Who follows which repository' },
  { name: 'notifications', orgColumn: 'org_id', omit: [], description: 'In-app notifications' },
  { name: 'org_exports', orgColumn: 'org_id', omit: [], description: 'Exports of this organisation' },
  {
    name: 'crawls',
    orgColumn: 'org_id',
    omit: ['login_secrets'],
    description: 'Crawls of the application under test (never the sealed login secrets)',
  },
  {
    name: 'crawl_pages',
    orgColumn: 'org_id',
    omit: [],
    description: 'Pages a crawl recorded, with locators',
  },
  { name: 'documents', orgColumn: 'org_id', omit: [], description: 'Requirement documents and their status' },
  {
    name: 'document_chunks',
    orgColumn: 'org_id',
    omit: [],
    description: 'Chunks of each document with heading path, text and embedding',
  },
  {
    name: 'agent_runs',
    orgColumn: 'org_id',
    omit: [],
    description: 'Agent pipeline runs (inputs, status, tokens, verify)',
  },
  {
    name: 'agent_run_approvals',
    orgColumn: 'org_id',
    omit: ['task_token'],
    description: 'Human approvals of agent stages (never the task token)',
  },
  {
    name: 'agent_run_events',
    orgColumn: 'org_id',
    // The table-wide id counts every organisation's events; `seq` numbers them within their run.
    omit: ['id'],
    description: 'Events of each agent run, in order',
  },
  { name: 'agent_run_artifacts', orgColumn: 'org_id', omit: [], description: 'Artifacts agent runs wrote' },
  {
    name: 'agent_run_artifact_versions',
    orgColumn: 'org_id',
    omit: [],
    description: 'Every version of each artifact (agent or human edit)',
  },
  { name: 'org_token_usage', orgColumn: 'org_id', omit: [], description: 'LLM tokens spent per month' },
  {
    name: 'workflow_runs',
    orgColumn: 'org_id',
    omit: [],
    description: 'GitHub workflow runs seen per commit',
  },
  {
    name: 'test_cases',
    orgColumn: 'org_id',
    omit: [],
    description: 'Test identities per repository with counters',
  },
  { name: 'test_results', orgColumn: 'org_id', omit: [], description: 'Every test result of every report' },
  {
    name: 'test_daily',
    orgColumn: 'org_id',
    omit: [],
    description: 'Per test, branch and day: result counters',
  },
  {
    name: 'test_flaky_shas',
    orgColumn: 'org_id',
    omit: [],
    description: 'Commits on which a test was flaky',
  },
  {
    name: 'analytics_daily',
    orgColumn: 'org_id',
    omit: [],
    description: 'Daily metrics rollup per repository',
  },
];

/**
 * Tables with an `org_id` column that are deliberately not tenant data.
 * Empty today; a table added here must say why.
 */
export const NON_TENANT_ORG_TABLES: readonly string[] = [];
