/**
 * `GET …/agent-runs/{id}/export.zip`: the run's artifacts at their latest
 * versions as one ZIP (`export/export-zip.ts`: requirements and test cases
 * as Markdown and CSV, the Playwright files, the verify report, a manifest),
 * streamed into the bucket by multipart upload under
 * `exports/{orgId}/agent-runs/{runId}/` (expired with the organisation's
 * exports) and handed out as a presigned GET — the same on AWS (where API
 * Gateway answers 6 MB at most) and locally.
 *
 * @module
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Kysely } from 'kysely';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { EXPORT_PREFIX } from '../org-data/export-retention.ts';
import { listArtifactRows } from './agent-runs.repository.ts';
import { requireRun } from './agent-runs.service.ts';
import {
  playwrightFileSchema,
  requirementsSchema,
  testCasesSchema,
  verifyOutcomeSchema,
} from './agents.types.ts';
import { writeAgentRunExport } from './export/export-zip.ts';

/** How long the download link stays valid, in seconds. */
export const EXPORT_URL_TTL_SECONDS = 900;

/**
 * Builds the run's export, stores it at
 * `orgs/{login}/agent-runs/{runId}/export-{timestamp}.zip` and returns a
 * presigned GET of it. @throws NotFoundError for an unknown run.
 */
export async function exportAgentRun(
  deps: { db: Kysely<Database>; objects: ObjectStore },
  orgId: string,
  runId: string,
): Promise<{ url: string; key: string }> {
  const { run, artifacts } = await withTenant(deps.db, orgId, async (trx) => {
    const run = await requireRun(trx, runId);
    return { run, artifacts: await listArtifactRows(trx, runId) };
  });
  const of = (kind: string) => artifacts.filter((a) => a.kind === kind);
  const requirements = of('requirements').flatMap((a) => requirementsSchema.safeParse(a.content).data ?? []);
  const testCases = of('test-cases').flatMap((a) => testCasesSchema.safeParse(a.content).data ?? []);
  const files = of('playwright-test').flatMap((a) => {
    const parsed = playwrightFileSchema.safeParse(a.content);
    return parsed.success ? [parsed.data] : [];
  });
  const report = of('verify-report')[0]?.content;
  const verify = run.verify ? verifyOutcomeSchema.safeParse(run.verify) : undefined;
  const zip = writeAgentRunExport({
    run: {
      id: run.id,
      createdAt: run.created_at.toISOString(),
      model: run.model ?? '',
      prompts: run.prompt_versions,
    },
    requirements,
    testCases,
    files,
    verify: verify?.success ? verify.data : null,
    verifyJunitXml: typeof report === 'string' ? report : null,
  });
  // Under the exports prefix: the bucket's lifecycle rule removes it after EXPORT_RETENTION_DAYS, and deleting
  // the organisation purges it with its other exports (a download writes a fresh archive each time).
  const key = `${EXPORT_PREFIX}${orgId}/agent-runs/${runId}/${Date.now()}.zip`;
  await deps.objects.uploadStream(
    key,
    Readable.fromWeb(zip as WebReadableStream<Uint8Array>),
    'application/zip',
  );
  const url = await deps.objects.presignGet(key, EXPORT_URL_TTL_SECONDS, `agent-run-${runId}.zip`);
  return { url, key };
}
