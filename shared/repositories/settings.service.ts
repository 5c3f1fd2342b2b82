import type { Kysely } from 'kysely';
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
      .select('test_workflows')
      .where('id', '=', repository.id)
      .executeTakeFirstOrThrow();
    return { testWorkflows: row.test_workflows };
  });
}

/**
 * Replaces a repository's settings (entries trimmed, empty and duplicate ones
 * dropped). Audited as `repository.settings_updated` when something changed;
 * the same settings again change nothing. 404 for an unknown repository.
 */
export async function putRepositorySettings(
  db: Kysely<Database>,
  access: OrgAccess,
  actor: Actor,
  target: { owner: string; repo: string },
  settings: RepositorySettings,
): Promise<RepositorySettings> {
  const testWorkflows = [...new Set(settings.testWorkflows.map((w) => w.trim()).filter((w) => w !== ''))];
  return withTenant(db, access.orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const before = await trx
      .selectFrom('repositories')
      .select('test_workflows')
      .where('id', '=', repository.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (JSON.stringify(before.test_workflows) === JSON.stringify(testWorkflows)) return { testWorkflows };
    await trx
      .updateTable('repositories')
      .set({ test_workflows: JSON.stringify(testWorkflows) })
      .where('id', '=', repository.id)
      .execute();
    await recordAudit(trx, access.orgId, actor, {
      action: 'repository.settings_updated',
      targetType: 'repository',
      targetId: repository.full_name,
      details: { testWorkflows, previous: { testWorkflows: before.test_workflows } },
    });
    return { testWorkflows };
  });
}
