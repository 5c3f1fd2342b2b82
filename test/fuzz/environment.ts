/**
 * Where the fuzzer runs: the whole local runtime on loopback with a fake
 * GitHub and a fake OIDC issuer (nothing leaves 127.0.0.1), an installed
 * repository `acme/widgets` and a signed-in owner of `acme`, and rate limits
 * raised so requests reach validation and the services instead of a 429.
 */
import { sql } from 'kysely';
import { topology } from '../../infra/topology.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { seedSession, seedUser, TEST_SESSION_SECRET } from '../support/identity.ts';
import { startValidationHarness } from '../support/validation-harness.ts';
import { TEST_WEBHOOK_SECRET } from '../support/webhooks.ts';
import { type FuzzOptions, type FuzzReport, fuzzRoutes } from './fuzzer.ts';

const RAISED_LIMITS = [
  'ASSAY_RATE_LIMIT_API',
  'ASSAY_RATE_LIMIT_AUTH',
  'ASSAY_RATE_LIMIT_CI',
  'ASSAY_RATE_LIMIT_WEBHOOK',
  'ASSAY_RATE_LIMIT_AUTH_FAILURES',
] as const;

export interface FuzzRun extends FuzzReport {
  /** Webhook deliveries the fuzz sent that the intake consumer left failed (each a crash of ours). */
  failedDeliveries: { deliveryId: string; error: string | null }[];
}

/** Starts the environment, fuzzes every topology route, drains the intake queue, and stops everything. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzRun> {
  for (const name of RAISED_LIMITS) process.env[name] = '1000000';
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_CLIENT_ID = 'fuzz-client';
  process.env.ASSAY_GITHUB_CLIENT_SECRET = 'fuzz-secret';
  const harness = await startValidationHarness();
  try {
    const { db } = harness.runtime;
    const org = await withSystem(db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    const owner = await seedUser(db, 'fuzz-owner', { orgId: org.id, role: 'owner' });
    const { token } = await seedSession(db, owner);
    const report = await fuzzRoutes(
      {
        baseUrl: harness.runtime.url,
        routes: topology.routes,
        bearer: token,
        known: { org: 'acme', owner: 'acme', repo: 'widgets', number: '1', login: 'fuzz-owner' },
        webhookSecret: TEST_WEBHOOK_SECRET,
      },
      options,
    );
    while ((await harness.runtime.queues.pollOnce('intake')) > 0);
    const failed = await sql<{ delivery_id: string; error: string | null }>`
      select delivery_id, error from webhook_deliveries where status in ('failed', 'received')`.execute(db);
    return {
      ...report,
      failedDeliveries: failed.rows.map((r) => ({ deliveryId: r.delivery_id, error: r.error })),
    };
  } finally {
    await harness.dispose();
    for (const name of RAISED_LIMITS) delete process.env[name];
  }
}
