import { type Kysely, sql } from 'kysely';
import { enableTenantRls } from './lib/tenant-rls.ts';

const RUN_STATUSES = [
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'timed_out',
  'budget_exceeded',
];

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export async function up(db: Kysely<any>): Promise<void> {
  // One agent pipeline run (issue 18): what was asked, where it stands, what it cost, how verify went.
  await db.schema
    .createTable('agent_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${list(RUN_STATUSES)})`))
    .addColumn('stage', 'text')
    .addColumn('repository_id', 'uuid', (c) => c.references('repositories.id').onDelete('set null'))
    .addColumn('repository', 'text')
    .addColumn('issues', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('document_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('crawl_id', 'uuid', (c) => c.references('crawls.id').onDelete('set null'))
    .addColumn('instructions', 'text')
    .addColumn('approvals', 'text', (c) => c.notNull().check(sql`approvals in ('each-stage', 'none')`))
    .addColumn('token_budget', 'integer')
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    // Tokens per stage: { "analyst": 1234, "qa": 567, … }.
    .addColumn('stage_tokens', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('model', 'text')
    // Prompt id → version of every prompt the run used.
    .addColumn('prompt_versions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('verify', 'jsonb')
    .addColumn('execution_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error', 'text')
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_by_login', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('agent_runs_org_created_idx')
    .on('agent_runs')
    .columns(['org_id', 'created_at', 'id'])
    .execute();

  // One human approval per (run, stage); the task token is what resumes the waiting execution.
  await db.schema
    .createTable('agent_run_approvals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('agent_runs.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('analyst', 'qa')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'edited', 'rejected', 'expired', 'cancelled')`),
    )
    .addColumn('task_token', 'text')
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('approve', 'edit', 'reject')`))
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_login', 'text')
    .addColumn('decided_via', 'text', (c) => c.check(sql`decided_via in ('api', 'github')`))
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'timestamptz')
    // When the decision reached the execution (SendTaskSuccess/Failure answered).
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('github_comment_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agent_run_approvals_run_stage', ['run_id', 'stage'])
    .execute();

  // What happened, in order: the id is the SSE event id and the polling cursor.
  await db.schema
    .createTable('agent_run_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('agent_runs.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Set for events a replayed step must not repeat (stage_started:qa:R1 …).
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agent_run_events_run_dedupe', ['run_id', 'dedupe_key'])
    .execute();
  await db.schema
    .createIndex('agent_run_events_run_idx')
    .on('agent_run_events')
    .columns(['run_id', 'id'])
    .execute();

  // Artifacts keep a stable id; each edit (agent or human) adds a version row.
  await db.schema
    .createTable('agent_run_artifacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('agent_runs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('requirements', 'test-cases', 'playwright-test', 'verify-report')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agent_run_artifacts_run_kind_name', ['run_id', 'kind', 'name'])
    .execute();
  await db.schema
    .createTable('agent_run_artifact_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('artifact_id', 'uuid', (c) =>
      c.notNull().references('agent_run_artifacts.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('agent', 'human')`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by_login', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('agent_run_artifact_versions_version', ['artifact_id', 'version'])
    .execute();

  // Tokens an organisation spent per calendar month (UTC), for ASSAY_ORG_MONTHLY_TOKEN_BUDGET.
  await db.schema
    .createTable('org_token_usage')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('month', 'text', (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-[0-9]{2}$'`))
    .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('llm_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('org_token_usage_pk', ['org_id', 'month'])
    .execute();

  for (const table of [
    'agent_runs',
    'agent_run_approvals',
    'agent_run_events',
    'agent_run_artifacts',
    'agent_run_artifact_versions',
    'org_token_usage',
  ]) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to assay_app, assay_system`.execute(
      db,
    );
    await enableTenantRls(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'org_token_usage',
    'agent_run_artifact_versions',
    'agent_run_artifacts',
    'agent_run_events',
    'agent_run_approvals',
    'agent_runs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
