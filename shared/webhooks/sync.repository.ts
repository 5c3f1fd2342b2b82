import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Account, ListedRepository, Repository } from './payload-parts.ts';

type Trx = Transaction<Database>;

const accountType = (type: string): 'Organization' | 'User' =>
  type === 'Organization' ? 'Organization' : 'User';

/**
 * Upserts the organisation of a GitHub account and returns its id. The account
 * id is the identity; the login is unique among live organisations
 * (case-insensitively): another live row holding this login belongs to an
 * account that has since been renamed, and is marked so (`renamed_at`) — it
 * answers to no login until its own account is seen again with its new one.
 */
export async function upsertOrg(trx: Trx, account: Account): Promise<string> {
  await trx
    .updateTable('orgs')
    .set({ renamed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where(sql`lower(login)`, '=', account.login.toLowerCase())
    .where('github_account_id', '!=', String(account.id))
    .where('renamed_at', 'is', null)
    .execute();
  const row = await trx
    .insertInto('orgs')
    .values({ github_account_id: account.id, login: account.login, account_type: accountType(account.type) })
    .onConflict((oc) =>
      oc
        .column('github_account_id')
        .doUpdateSet({ login: account.login, renamed_at: null, updated_at: sql<Date>`now()` }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Upserts an installation row (created or seen again) for `orgId`. */
export async function upsertInstallation(
  trx: Trx,
  orgId: string,
  installation: {
    id: number;
    target_type?: string;
    repository_selection?: string;
    permissions?: Record<string, string>;
    events?: string[];
  },
): Promise<void> {
  const permissions = installation.permissions ? JSON.stringify(installation.permissions) : undefined;
  const events = installation.events ? JSON.stringify(installation.events) : undefined;
  await trx
    .insertInto('installations')
    .values({
      id: installation.id,
      org_id: orgId,
      target_type: installation.target_type ?? null,
      repository_selection: installation.repository_selection ?? null,
      permissions: permissions ?? '{}',
      events: events ?? '[]',
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        org_id: orgId,
        target_type: eb.fn.coalesce(
          eb.val(installation.target_type ?? null),
          eb.ref('installations.target_type'),
        ),
        repository_selection: eb.fn.coalesce(
          eb.val(installation.repository_selection ?? null),
          eb.ref('installations.repository_selection'),
        ),
        permissions: permissions ?? eb.ref('installations.permissions'),
        events: events ?? eb.ref('installations.events'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

/** Sets or clears an installation's suspended/deleted markers. */
export async function setInstallationState(
  trx: Trx,
  installationId: number,
  change: { suspended?: boolean; deleted?: boolean },
): Promise<void> {
  await trx
    .updateTable('installations')
    .set({
      ...(change.suspended === undefined ? {} : { suspended_at: change.suspended ? sql<Date>`now()` : null }),
      ...(change.deleted === undefined ? {} : { deleted_at: change.deleted ? sql<Date>`now()` : null }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', String(installationId))
    .execute();
}

/**
 * Upserts repositories of an installation; a repository seen again is no
 * longer removed. GitHub's repository id is the identity and the full name is
 * unique among live rows: another row holding the name (a repository since
 * renamed, transferred or deleted) is marked renamed.
 */
export async function upsertRepositories(
  trx: Trx,
  orgId: string,
  installationId: number,
  ownerLogin: string,
  repositories: readonly (ListedRepository | Repository)[],
): Promise<void> {
  for (const repo of repositories) {
    const [owner, name] = repo.full_name.includes('/')
      ? repo.full_name.split('/', 2)
      : [ownerLogin, repo.name];
    const defaultBranch = 'default_branch' in repo ? (repo.default_branch ?? null) : null;
    await trx
      .updateTable('repositories')
      .set({ renamed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where(sql`lower(full_name)`, '=', repo.full_name.toLowerCase())
      .where('github_id', '!=', String(repo.id))
      .where('renamed_at', 'is', null)
      .execute();
    await trx
      .insertInto('repositories')
      .values({
        org_id: orgId,
        installation_id: installationId,
        github_id: repo.id,
        owner: owner ?? ownerLogin,
        name: name ?? repo.name,
        full_name: repo.full_name,
        private: repo.private ?? false,
        default_branch: defaultBranch,
      })
      .onConflict((oc) =>
        oc.column('github_id').doUpdateSet((eb) => ({
          org_id: orgId,
          installation_id: installationId,
          owner: owner ?? ownerLogin,
          name: name ?? repo.name,
          full_name: repo.full_name,
          private: repo.private ?? eb.ref('repositories.private'),
          default_branch: eb.fn.coalesce(eb.val(defaultBranch), eb.ref('repositories.default_branch')),
          removed_at: null,
          renamed_at: null,
          updated_at: sql<Date>`now()`,
        })),
      )
      .execute();
  }
}

/**
 * After an account rename (`installation_target` renamed), the repositories
 * of its installation carry the new owner login in `owner` and `full_name`.
 */
export async function renameInstallationOwner(
  trx: Trx,
  installationId: number,
  login: string,
): Promise<void> {
  await trx
    .updateTable('repositories')
    .set({
      owner: login,
      full_name: sql<string>`${login} || '/' || name`,
      updated_at: sql<Date>`now()`,
    })
    .where('installation_id', '=', String(installationId))
    .execute();
}

/** Tenant tables keyed by repository, whose rows follow a repository to another organisation. */
const REPOSITORY_TABLES = [
  'issues',
  'pull_requests',
  'checklists',
  'checklist_items',
  'tid_counters',
  'pull_manifests',
  'check_runs',
  'workflow_runs',
  'ci_runs',
  'validations',
  'code_health_runs',
  'upload_tokens',
] as const;

/**
 * Moves a repository's data to the organisation it now belongs to (a
 * repository transferred between two accounts that both installed the App):
 * every row keyed by the repository, and the checklist versions and CI
 * uploads under them, take the new `org_id`, so the new organisation sees
 * the history and the old one no longer does. Follows are per member of the
 * old organisation and are dropped. Run with `withSystem`.
 */
export async function moveRepositoryData(trx: Trx, repositoryId: string, orgId: string): Promise<void> {
  for (const table of REPOSITORY_TABLES) {
    await sql`update ${sql.table(table)} set org_id = ${orgId} where repository_id = ${repositoryId}`.execute(
      trx,
    );
  }
  await sql`update checklist_versions set org_id = ${orgId}
    where checklist_id in (select id from checklists where repository_id = ${repositoryId})`.execute(trx);
  await sql`update ci_uploads set org_id = ${orgId}
    where ci_run_id in (select id from ci_runs where repository_id = ${repositoryId})`.execute(trx);
  await trx.deleteFrom('repository_follows').where('repository_id', '=', repositoryId).execute();
}

/** Marks repositories as removed (by GitHub id), or every repository of an installation. */
export async function markRepositoriesRemoved(
  trx: Trx,
  target: { githubIds: number[] } | { installationId: number },
): Promise<void> {
  let query = trx
    .updateTable('repositories')
    .set({ removed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` });
  if ('githubIds' in target) {
    if (target.githubIds.length === 0) return;
    query = query.where('github_id', 'in', target.githubIds.map(String));
  } else {
    query = query.where('installation_id', '=', String(target.installationId));
  }
  await query.where('removed_at', 'is', null).execute();
}

/** The repository row for a GitHub repository id, if known. */
export async function findRepository(trx: Trx, githubId: number) {
  return trx
    .selectFrom('repositories')
    .selectAll()
    .where('github_id', '=', String(githubId))
    .executeTakeFirst();
}

/** Keeps an issue's title and state current (closed, deleted, reopened…). */
export async function upsertIssueState(
  trx: Trx,
  target: { orgId: string; repositoryId: string },
  issue: {
    number: number;
    title: string;
    state: 'open' | 'closed';
    author: string | null;
    htmlUrl: string | null;
    /** Set by `issues.transferred`: the issue now lives at `to` (`owner/repo#n`). */
    transferredTo?: { to: string; repositoryGithubId: number };
  },
  deleted: boolean,
): Promise<void> {
  const values = {
    title: issue.title,
    state: issue.state,
    author: issue.author,
    html_url: issue.htmlUrl,
    deleted_at: deleted ? sql<Date>`now()` : null,
    ...(issue.transferredTo
      ? {
          transferred_to: issue.transferredTo.to,
          transferred_to_repository_github_id: issue.transferredTo.repositoryGithubId,
          transferred_at: sql<Date>`now()`,
        }
      : {}),
  };
  await trx
    .insertInto('issues')
    .values({ org_id: target.orgId, repository_id: target.repositoryId, number: issue.number, ...values })
    .onConflict((oc) =>
      oc.columns(['repository_id', 'number']).doUpdateSet({ ...values, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

/** Keeps a pull request's head, state and merge status current. */
export async function upsertPullState(
  trx: Trx,
  target: { orgId: string; repositoryId: string },
  pull: {
    number: number;
    title: string;
    state: 'open' | 'closed';
    merged: boolean;
    draft: boolean;
    author: string | null;
    headSha: string;
    headRef: string;
    baseRef: string;
    htmlUrl: string | null;
    closedAt: string | null;
    mergedAt: string | null;
  },
): Promise<void> {
  const values = {
    title: pull.title,
    state: pull.state,
    merged: pull.merged,
    draft: pull.draft,
    author: pull.author,
    head_sha: pull.headSha,
    head_ref: pull.headRef,
    base_ref: pull.baseRef,
    html_url: pull.htmlUrl,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
  };
  await trx
    .insertInto('pull_requests')
    .values({ org_id: target.orgId, repository_id: target.repositoryId, number: pull.number, ...values })
    .onConflict((oc) =>
      oc.columns(['repository_id', 'number']).doUpdateSet({ ...values, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

/**
 * Keeps a workflow run of a head SHA current (`requested` → `in_progress` →
 * `completed`). Deliveries may arrive out of order: a completed attempt is
 * never moved back, while a re-run (a later `run_attempt`) starts again.
 */
export async function upsertWorkflowRun(
  trx: Trx,
  target: { orgId: string; repositoryId: string },
  run: {
    id: number;
    headSha: string;
    name: string | null;
    path: string | null;
    attempt: number;
    status: string;
    conclusion: string | null;
  },
): Promise<void> {
  const values = {
    name: run.name,
    path: run.path,
    run_attempt: run.attempt,
    status: run.status,
    conclusion: run.conclusion,
  };
  await trx
    .insertInto('workflow_runs')
    .values({
      org_id: target.orgId,
      repository_id: target.repositoryId,
      github_id: run.id,
      head_sha: run.headSha,
      ...values,
    })
    .onConflict((oc) =>
      oc
        .column('github_id')
        .doUpdateSet({ ...values, updated_at: sql<Date>`now()` })
        .where((eb) =>
          eb.or([
            eb('workflow_runs.run_attempt', '<', run.attempt),
            eb.and([
              eb('workflow_runs.run_attempt', '=', run.attempt),
              eb.or([eb('workflow_runs.status', '<>', 'completed'), eb.val(run.status === 'completed')]),
            ]),
          ]),
        ),
    )
    .execute();
}
