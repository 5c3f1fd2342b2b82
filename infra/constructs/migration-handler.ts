import { getConfig } from '../../shared/config.ts';
import { createDb } from '../../shared/db/connection.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';

/** What the deploy log shows for a successful run. */
export interface MigrationSummary {
  /** Migrations applied by this run, in order (empty when already up to date). */
  readonly applied: readonly string[];
}

/**
 * Deploy-time step (invoked by the CDK Trigger in `migration-step.ts`): applies
 * every pending migration through RDS Proxy. Any failure is thrown, which the
 * trigger reports as a failed custom resource — the deploy fails and rolls back.
 */
export async function handler(): Promise<MigrationSummary> {
  const db = await createDb(getConfig());
  try {
    const result = await migrateToLatest(db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    console.info(JSON.stringify({ message: 'migrations applied', applied }));
    return { applied };
  } catch (error) {
    console.error(JSON.stringify({ message: 'migration failed', error: String(error) }));
    throw error;
  } finally {
    await db.destroy();
  }
}
