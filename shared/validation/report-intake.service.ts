import type { Readable } from 'node:stream';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { addCodeHealthReport } from '../code-health/code-health-run.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { parseCodeHealth } from '../reports/code-health/index.ts';
import { parseJUnit } from '../reports/junit/index.ts';

/** The parts of an S3 object-created record the consumer reads. */
export const s3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({ object: z.object({ key: z.string(), size: z.number().int().nonnegative().optional() }) }),
});
export const s3EventSchema = z.object({ Records: z.array(s3RecordSchema) });

export interface ReportIntakeDeps {
  db: Kysely<Database>;
  openObject: (key: string) => Promise<Readable>;
  readText: (key: string) => Promise<string>;
  deleteObject: (key: string) => Promise<void>;
  maxBytes: number;
  log: (message: string, attributes: Record<string, unknown>) => void;
}

export type ReportOutcome =
  | { status: 'discarded'; key: string; reason: string }
  | { status: 'skipped'; key: string }
  /** An object of another context under `orgs/` (crawl screenshots): not a report, left alone. */
  | { status: 'ignored'; key: string }
  | {
      status: 'processed' | 'invalid' | 'rejected';
      key: string;
      orgId: string;
      repositoryId: string;
      headSha: string;
      error?: string;
    };

/**
 * Handles one uploaded object: its key must be one Assay issued (else the
 * object is deleted and the event logged); an object over the size limit is
 * rejected from its size, before any byte is read; otherwise the report is
 * parsed (streaming for JUnit) and the upload marked processed, or invalid
 * with the reason. An upload already handled is skipped, so a repeated event
 * changes nothing.
 */
export async function handleUploadedObject(
  deps: ReportIntakeDeps,
  record: z.infer<typeof s3RecordSchema>,
): Promise<ReportOutcome> {
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
  // Crawl screenshots share the `orgs/` prefix the bucket notification matches; they are not reports.
  if (/^orgs\/[^/]+\/crawls\//.test(key)) return { status: 'ignored', key };
  const upload = await withSystem(deps.db, (trx) =>
    trx
      .selectFrom('ci_uploads')
      .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
      .select([
        'ci_uploads.id',
        'ci_uploads.kind',
        'ci_uploads.status',
        'ci_uploads.org_id',
        'ci_uploads.ci_run_id',
        'ci_runs.repository_id',
        'ci_runs.head_sha',
      ])
      .where('ci_uploads.object_key', '=', key)
      .executeTakeFirst(),
  );
  if (!upload) {
    await deps.deleteObject(key);
    deps.log('Deleted an object under a key that was never issued', { key });
    return { status: 'discarded', key, reason: 'key was never issued' };
  }
  if (upload.status !== 'issued' && upload.status !== 'received') return { status: 'skipped', key };
  const base = { key, orgId: upload.org_id, repositoryId: upload.repository_id, headSha: upload.head_sha };
  const finish = async (
    status: 'processed' | 'invalid' | 'rejected',
    counts: unknown,
    error?: string,
    alsoInTransaction?: (trx: Transaction<Database>) => Promise<unknown>,
  ) => {
    await withTenant(deps.db, upload.org_id, async (trx) => {
      // Claims the upload: only the first handler of a repeated event moves it on.
      const claimed = await trx
        .updateTable('ci_uploads')
        .set({
          status,
          error: error ?? null,
          counts: counts === null ? null : JSON.stringify(counts),
          size_bytes: record.s3.object.size ?? null,
          processed_at: sql<Date>`now()`,
        })
        .where('id', '=', upload.id)
        .where('status', 'in', ['issued', 'received'])
        .executeTakeFirst();
      if (claimed.numUpdatedRows > 0n) await alsoInTransaction?.(trx);
    });
    return { status, ...base, ...(error ? { error } : {}) };
  };
  const size = record.s3.object.size ?? 0;
  if (size > deps.maxBytes)
    return finish('rejected', null, `Report is ${size} bytes; the limit is ${deps.maxBytes}`);
  if (upload.kind === 'junit') {
    const result = await parseJUnit(await deps.openObject(key), { maxBytes: deps.maxBytes });
    if (!result.valid) return finish('invalid', null, result.reason);
    const { passed, failed, errored, skipped, flaky, tests, suites } = result;
    return finish('processed', { suites, tests, passed, failed, errored, skipped, flaky });
  }
  const health = parseCodeHealth(await deps.readText(key));
  if (!health.valid) return finish('invalid', null, health.reason);
  return finish(
    'processed',
    { format: health.format, score: health.score, counts: health.counts, findings: health.findings.length },
    undefined,
    (trx) => addCodeHealthReport(trx, { orgId: upload.org_id, ciRunId: upload.ci_run_id, result: health }),
  );
}
