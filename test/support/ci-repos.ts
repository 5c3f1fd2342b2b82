import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import { type FakeOidcIssuer, startFakeOidcIssuer } from '../../infra/local/fake-oidc/index.ts';
import { createS3Client } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { TEST_SESSION_SECRET } from './identity.ts';
import { startTestRuntime, type TestRuntime } from './test-runtime.ts';

/** A seeded repository: Assay's id and GitHub's. */
export interface SeededRepo {
  id: string;
  githubId: number;
}

let githubIds = 900_000;

/** Inserts a repository of `installationId` (optionally already removed from the installation). */
export async function seedRepo(
  db: Kysely<Database>,
  orgId: string,
  installationId: number,
  owner: string,
  name: string,
  removed = false,
): Promise<SeededRepo> {
  const githubId = githubIds++;
  const row = await withSystem(db, (trx) =>
    trx
      .insertInto('repositories')
      .values({
        org_id: orgId,
        installation_id: installationId,
        github_id: githubId,
        owner,
        name,
        full_name: `${owner}/${name}`,
        private: false,
        default_branch: 'main',
        removed_at: removed ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return { id: row.id, githubId };
}

/** Inserts an installation of the App on `orgId` (suspended when asked). */
export async function seedInstallation(
  db: Kysely<Database>,
  id: number,
  orgId: string,
  suspended = false,
): Promise<void> {
  await withSystem(db, (trx) =>
    trx
      .insertInto('installations')
      .values({ id, org_id: orgId, ...(suspended ? { suspended_at: new Date() } : {}) })
      .execute(),
  );
}

/**
 * The local runtime trusting a fresh fake OIDC issuer (set before it starts, as
 * `ASSAY_GITHUB_OIDC_ISSUER` / `_JWKS_URL`), with the test session key.
 */
export async function startRuntimeWithFakeOidc(): Promise<{ runtime: TestRuntime; oidc: FakeOidcIssuer }> {
  const oidc = await startFakeOidcIssuer();
  process.env.ASSAY_GITHUB_OIDC_ISSUER = oidc.issuer;
  process.env.ASSAY_GITHUB_OIDC_JWKS_URL = oidc.jwksUrl;
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  return { runtime: await startTestRuntime(), oidc };
}

/** The keys under `prefix` in the local object store, sorted. */
export async function listObjectKeys(prefix: string): Promise<string[]> {
  const config = getConfig();
  const listed = await createS3Client(config).send(
    new ListObjectsV2Command({ Bucket: config.ASSAY_S3_BUCKET, Prefix: prefix }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}
