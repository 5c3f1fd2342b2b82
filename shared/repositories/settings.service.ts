import type { Kysely } from 'kysely';
import type { QuarantineEntry } from '../analytics/quarantine.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { findRepositoryByName } from './find-repository.ts';

/** A repository's settings, as `GET/PUT /api/v1/repos/{owner}/{repo}/settings` show them. */
export interface RepositorySettings {
  /**
   * Names (`Tests`) or paths (`.github/workflows/test.yml`) of the workflows
   * that upload test reports. Empty: every workflow run of a commit counts
   * when deciding that no report came.
   */
  testWorkflows: string[];
  /**
   * What blocks the `Assay` check: `all` (default) — every failed or errored
   * test, tagged with a TID or not; `regressions` — only tests that passed on
   * the base (see `shared/analytics/gate.ts`).
   */
  gate: 'all' | 'regressions';
  /** Tests flagged flaky do not block the check (they are listed). */
  quarantineFlaky: boolean;
  /** Tests quarantined by name with owner, reason and expiry (see `shared/analytics/quarantine.ts`). */
  quarantine: QuarantineEntry[];
  /** Keep the failed-tests comment on pull requests (default true). */
  failureComment: boolean;
  /**
   * Reports pulled from a fork's artifacts prove criteria once a person trusts
   * the head SHA (`trusted_sha`), or also at once for authors who contributed
   * before (`known_contributors`; see `shared/ci/fork-trust.ts`).
   */
  forkTrust: 'trusted_sha' | 'known_contributors';
}

/** A change to some settings (`PATCH`); absent fields stay as they are. */
export type RepositorySettingsPatch = Partial<RepositorySettings>;

const settingsColumns = [
  'test_workflows',
  'gate',
  'quarantine_flaky',
  'quarantine',
  'failure_comment',
  'fork_trust',
] as const;

function settingsOf(row: {
  test_workflows: string[];
  gate: 'all' | 'regressions';
  quarantine_flaky: boolean;
  quarantine: QuarantineEntry[];
  failure_comment: boolean;
  fork_trust: 'trusted_sha' | 'known_contributors';
}): RepositorySettings {
  return {
    testWorkflows: row.test_workflows,
    gate: row.gate,
    quarantineFlaky: row.quarantine_flaky,
    quarantine: row.quarantine,
    failureComment: row.failure_comment,
    forkTrust: row.fork_trust,
  };
}

/** The settings of a repository of the organisation; 404 for an unknown one. */
export async function getRepositorySettings(
  db: Kysely<Database>,
  access: OrgAccess,
  target: { owner: string; repo: string },
): Promise<RepositorySettings> {
  return withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await trx
      .selectFrom('repositories')
      .select(settingsColumns)
      .where('id', '=', repository.id)
      .executeTakeFirstOrThrow();
    return settingsOf(row);
  });
}

/**
 * Replaces a repository's settings (`PUT`: `testWorkflows`, and the gate
 * fields when given) or changes some of them (`PATCH`). Workflow entries are
 * trimmed, empty and duplicate ones dropped. Audited as
 * `repository.settings_updated` with the previous values when something
 * changed; the same settings again change nothing. 404 for an unknown
 * repository.
 */
export async function putRepositorySettings(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  target: { owner: string; repo: string },
  change: RepositorySettingsPatch,
): Promise<RepositorySettings> {
  return withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await trx
      .selectFrom('repositories')
      .select(settingsColumns)
      .where('id', '=', repository.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const before = settingsOf(row);
    const after: RepositorySettings = {
      testWorkflows:
        change.testWorkflows === undefined
          ? before.testWorkflows
          : [...new Set(change.testWorkflows.map((w) => w.trim()).filter((w) => w !== ''))],
      gate: change.gate ?? before.gate,
      quarantineFlaky: change.quarantineFlaky ?? before.quarantineFlaky,
      quarantine:
        change.quarantine === undefined
          ? before.quarantine
          : change.quarantine.map(
              (entry) =>
                Object.fromEntries(
                  Object.entries(entry).filter(([, value]) => value !== undefined),
                ) as unknown as QuarantineEntry,
            ),
      failureComment: change.failureComment ?? before.failureComment,
      forkTrust: change.forkTrust ?? before.forkTrust,
    };
    if (JSON.stringify(before) === JSON.stringify(after)) return after;
    await trx
      .updateTable('repositories')
      .set({
        test_workflows: JSON.stringify(after.testWorkflows),
        gate: after.gate,
        quarantine_flaky: after.quarantineFlaky,
        quarantine: JSON.stringify(after.quarantine),
        failure_comment: after.failureComment,
        fork_trust: after.forkTrust,
      })
      .where('id', '=', repository.id)
      .execute();
    const changed = (Object.keys(after) as (keyof RepositorySettings)[]).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    await recordAudit(trx, access.orgId, actor, {
      action: 'repository.settings_updated',
      targetType: 'repository',
      targetId: repository.full_name,
      details: {
        ...Object.fromEntries(changed.map((key) => [key, after[key]])),
        previous: Object.fromEntries(changed.map((key) => [key, before[key]])),
      },
    });
    return after;
  });
}
