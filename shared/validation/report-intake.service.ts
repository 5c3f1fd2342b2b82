import type { Readable } from 'node:stream';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { normalizeEtag } from '../adapters/object-store.ts';
import { countUploadResults, createResultSink, discardUploadResults } from '../analytics/ingest.ts';
import { rollupRepository, utcDay } from '../analytics/rollup.service.ts';
import { recordAudit } from '../audit/audit.ts';
import { addCodeHealthReport } from '../code-health/code-health-run.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { parseCodeHealthStream } from '../reports/code-health/index.ts';
import type { JUnitTestCase } from '../reports/junit/index.ts';
import { decodeS3EventKey } from '../text/decode.ts';
import { toStorableJson, toStorableText } from '../text/well-formed.ts';
import { readCtrfResults, readJUnitResults } from './junit-results.ts';

/**
 * Reads a stream whole, stopping one byte past `maxBytes` (the parser then
 * reports the file as over the limit): a CTRF report is one JSON document.
 */
async function readCapped(body: Readable, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    chunks.push(buffer);
    if (size > maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** The parts of an S3 object-created record the consumer reads. */
export const s3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    object: z.object({
      key: z.string(),
      size: z.number().int().nonnegative().optional(),
      /** The ETag of the object this event is about (S3 sends it for every object-created event). */
      eTag: z.string().optional(),
    }),
  }),
});
export const s3EventSchema = z.object({ Records: z.array(s3RecordSchema) });

/** An object as read: its bytes and the ETag of the version read. */
export interface OpenedObject {
  body: Readable;
  etag: string | null;
}

export interface ReportIntakeDeps {
  db: Kysely<Database>;
  openObject: (key: string) => Promise<OpenedObject>;
  deleteObject: (key: string) => Promise<void>;
  maxBytes: number;
  log: (message: string, attributes: Record<string, unknown>) => void;
}

export type ReportOutcome =
  | { status: 'discarded'; key: string; reason: string }
  | { status: 'skipped'; key: string }
  | { status: 'overwrite_rejected'; key: string; etag: string; processedEtag: string }
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
 * Records a later object at the key of an upload already handled: the upload
 * counts it (`overwrites`, `overwritten_at`) and the organisation's audit log
 * gets `ci_upload.overwrite_rejected` once per ETag. The stored results stand.
 */
async function recordOverwrite(
  db: Kysely<Database>,
  upload: { id: string; org_id: string },
  change: { key: string; etag: string; processedEtag: string },
): Promise<void> {
  await withTenant(db, upload.org_id, async (trx) => {
    const seen = await trx
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'ci_upload.overwrite_rejected')
      .where('target_id', '=', upload.id)
      .where(sql<string>`details->>'etag'`, '=', change.etag)
      .executeTakeFirst();
    if (seen) return;
    await trx
      .updateTable('ci_uploads')
      .set({ overwrites: sql<number>`overwrites + 1`, overwritten_at: sql<Date>`now()` })
      .where('id', '=', upload.id)
      .execute();
    await recordAudit(
      trx,
      upload.org_id,
      { type: 'system', id: null, login: null, ip: null, userAgent: null },
      {
        action: 'ci_upload.overwrite_rejected',
        targetType: 'ci_upload',
        targetId: upload.id,
        details: { ...change, reason: 'uploaded reports are write-once' },
      },
    );
  });
}

/**
 * Handles one uploaded object: its key must be one Assay issued (else the
 * object is deleted and the event logged); an object over the size limit is
 * rejected from its size, before any byte is read; otherwise the report is
 * parsed (streaming for JUnit) and the upload marked processed — with the
 * object's ETag and, for JUnit, the results validation will use — or invalid
 * with the reason. Uploads are write-once: an event for another object at the
 * key of an upload already handled is `overwrite_rejected` and recorded, and
 * an object replaced between its event and the read is rejected. A repeated
 * event changes nothing.
 */
export async function handleUploadedObject(
  deps: ReportIntakeDeps,
  record: z.infer<typeof s3RecordSchema>,
): Promise<ReportOutcome> {
  const key = decodeS3EventKey(record.s3.object.key);
  if (key === undefined) {
    deps.log('Ignored an object-created event whose key is not valid URL encoding', {
      key: record.s3.object.key,
    });
    return { status: 'discarded', key: record.s3.object.key, reason: 'key is not valid URL encoding' };
  }
  const eventEtag = normalizeEtag(record.s3.object.eTag);
  // Crawl screenshots share the `orgs/` prefix the bucket notification matches; they are not reports.
  if (/^orgs\/[^/]+\/crawls\//.test(key)) return { status: 'ignored', key };
  const upload = await withSystem(deps.db, (trx) =>
    trx
      .selectFrom('ci_uploads')
      .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
      .innerJoin('repositories', 'repositories.id', 'ci_runs.repository_id')
      .select([
        'repositories.name as repo',
        'ci_uploads.id',
        'ci_uploads.kind',
        'ci_uploads.status',
        'ci_uploads.org_id',
        'ci_uploads.ci_run_id',
        'ci_uploads.etag',
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
  if (upload.status !== 'issued' && upload.status !== 'received') {
    if (eventEtag !== null && upload.etag !== null && eventEtag !== upload.etag) {
      const change = { key, etag: eventEtag, processedEtag: upload.etag };
      await recordOverwrite(deps.db, upload, change);
      deps.log('Refused a second object at the key of a handled upload', change);
      return { status: 'overwrite_rejected', ...change };
    }
    return { status: 'skipped', key };
  }
  const base = { key, orgId: upload.org_id, repositoryId: upload.repository_id, headSha: upload.head_sha };
  const finish = async (
    status: 'processed' | 'invalid' | 'rejected',
    stored: { counts?: unknown; results?: unknown; etag: string | null },
    error?: string,
    alsoInTransaction?: (trx: Transaction<Database>) => Promise<unknown>,
  ) => {
    const reason = error === undefined ? undefined : toStorableText(error);
    await withTenant(deps.db, upload.org_id, async (trx) => {
      // Claims the upload: only the first handler of a repeated event moves it on.
      const claimed = await trx
        .updateTable('ci_uploads')
        .set({
          status,
          error: reason ?? null,
          counts: stored.counts === undefined ? null : JSON.stringify(stored.counts),
          results: stored.results === undefined ? null : JSON.stringify(stored.results),
          etag: stored.etag,
          size_bytes: record.s3.object.size ?? null,
          processed_at: sql<Date>`now()`,
        })
        .where('id', '=', upload.id)
        .where('status', 'in', ['issued', 'received'])
        .executeTakeFirst();
      if (claimed.numUpdatedRows > 0n) await alsoInTransaction?.(trx);
    });
    return { status, ...base, ...(reason ? { error: reason } : {}) };
  };
  const size = record.s3.object.size ?? 0;
  if (size > deps.maxBytes)
    return finish('rejected', { etag: eventEtag }, `Report is ${size} bytes; the limit is ${deps.maxBytes}`);
  const object = await deps.openObject(key);
  if (eventEtag !== null && object.etag !== null && object.etag !== eventEtag) {
    // Another PUT replaced the object after this event: its own event records the overwrite.
    object.body.destroy();
    return finish(
      'rejected',
      { etag: eventEtag },
      'The report was replaced at its key before it was read (uploaded reports are write-once)',
    );
  }
  const etag = object.etag ?? eventEtag;
  if (upload.kind === 'junit' || upload.kind === 'ctrf') {
    // Every result goes to the analytics in batches while the report streams (never held whole).
    const target = {
      orgId: upload.org_id,
      repositoryId: upload.repository_id,
      uploadId: upload.id,
      repo: upload.repo,
    };
    const sink = createResultSink(deps.db, target);
    const onTest = (test: JUnitTestCase) => sink.add(test);
    const { result, stored } =
      upload.kind === 'junit'
        ? await readJUnitResults(object.body, deps.maxBytes, onTest)
        : await readCtrfResults(await readCapped(object.body, deps.maxBytes), deps.maxBytes, onTest);
    if (!result.valid)
      return finish('invalid', { etag }, result.reason, (trx) => discardUploadResults(trx, upload.id));
    await sink.flush();
    const { passed, failed, errored, skipped, flaky, tests, suites } = result;
    const outcome = await finish(
      'processed',
      { etag, counts: { suites, tests, passed, failed, errored, skipped, flaky }, results: stored },
      undefined,
      (trx) => countUploadResults(trx, { ...target, ciRunId: upload.ci_run_id, headSha: upload.head_sha }),
    );
    // Metrics are never stale: today's rollup (and any day the schedule missed) is written now, not at
    // the schedule's next run — which stays the backstop if this fails.
    await rollupRepository(
      deps.db,
      { orgId: upload.org_id, repositoryId: upload.repository_id },
      utcDay(new Date()),
    ).catch((error: unknown) =>
      deps.log('Could not roll up the analytics after a report; the schedule will', {
        key,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    return outcome;
  }
  if (upload.kind === 'attachment') {
    // Not parsed: kept as uploaded for the failing test it belongs to (expires with raw reports).
    object.body.destroy();
    return finish('processed', { etag });
  }
  // Third-party content: stored with NUL and lone surrogates replaced by U+FFFD.
  const health = toStorableJson(await parseCodeHealthStream(object.body, { maxBytes: deps.maxBytes }));
  if (!health.valid) return finish('invalid', { etag }, health.reason);
  return finish(
    'processed',
    {
      etag,
      counts: {
        format: health.format,
        score: health.score,
        counts: health.counts,
        findings: health.findings.length,
        ...(health.newFindings === undefined ? {} : { newFindings: health.newFindings }),
      },
    },
    undefined,
    (trx) => addCodeHealthReport(trx, { orgId: upload.org_id, ciRunId: upload.ci_run_id, result: health }),
  );
}
