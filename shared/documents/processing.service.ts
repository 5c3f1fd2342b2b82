/**
 * Processing an uploaded document (SPEC §6, issue 16): parse → chunk → embed
 * → store, from the S3 object-created event of its upload (or a file the CLI
 * reads). Kept apart from `documents.service.ts` so the API handlers do not
 * bundle the parsers. The documents consumer parses in a separate process
 * (`parse/isolated.ts`); the CLI and tests parse in their own.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import {
  DocumentFailure,
  type DocumentKind,
  type DocumentStatus,
  type FailureReason,
} from './document-types.ts';
import {
  claimForProcessing,
  embeddingColumnDimensions,
  findDocument,
  markFailed,
  storeReadyDocument,
} from './documents.repository.ts';
import { defaultTitle } from './documents.service.ts';
import { chunkEmbeddingText, type Embedder } from './embeddings/index.ts';
import { type ExtractedDocument, type Extractor, extractDocument } from './parse/extract.ts';
import type { ParseLimits } from './parse/index.ts';

export interface ProcessDeps {
  db: Kysely<Database>;
  embedder: Embedder;
  limits: ParseLimits;
  /** How the document is parsed and chunked (default: in this process; the consumer isolates it). */
  extract?: Extractor;
}

/** Texts embedded per call; the event loop gets a turn between calls (the offline embedder is CPU work). */
const EMBED_BATCH = 64;

async function embedAll(embedder: Embedder, texts: readonly string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    if (start > 0) await yieldToEventLoop();
    vectors.push(...(await embedder.embed(texts.slice(start, start + EMBED_BATCH))));
  }
  return vectors;
}

/**
 * Runs `extract`, telling the document's problems from the source's: a
 * failure to read the object is thrown as it is (the message is retried),
 * while any other error of parsing is the document's own and becomes
 * `corrupt` — so a parser crash ends in `failed`, never in a retry loop.
 */
async function extractChecked(
  extract: Extractor,
  kind: DocumentKind,
  open: () => Promise<Readable>,
  limits: ParseLimits,
): Promise<ExtractedDocument> {
  let sourceError: unknown;
  const tracked = async () => {
    try {
      const stream = await open();
      stream.once('error', (error) => {
        sourceError ??= error;
      });
      return stream;
    } catch (error) {
      sourceError ??= error;
      throw error;
    }
  };
  try {
    return await extract(kind, tracked, limits);
  } catch (error) {
    if (sourceError !== undefined) throw sourceError;
    if (error instanceof DocumentFailure) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new DocumentFailure('corrupt', `The document could not be read: ${detail.slice(0, 300)}`, {
      cause: error,
    });
  }
}

export type ProcessOutcome =
  | { status: 'ready'; documentId: string; chunks: number; pageCount?: number }
  | { status: 'failed'; documentId: string; reason: FailureReason; message: string }
  | { status: 'skipped'; documentId: string; current: DocumentStatus };

/**
 * Parses, chunks, embeds and stores one claimed document read from `open()`
 * (`size` bytes, as the object store reports). Problems of the document
 * itself end as `failed` with their reason; anything else (database down…)
 * is thrown, so the message is retried and the document — still
 * `processing` — is processed again.
 */
export async function processDocument(
  deps: ProcessDeps,
  doc: { id: string; orgId: string; kind: DocumentKind },
  open: () => Promise<Readable>,
  size: number,
): Promise<ProcessOutcome> {
  const claimed = await withTenant(deps.db, doc.orgId, (trx) => claimForProcessing(trx, doc.id));
  if (!claimed) return skipped(deps.db, doc);
  const fail = async (failure: DocumentFailure): Promise<ProcessOutcome> => {
    const marked = await withTenant(deps.db, doc.orgId, (trx) =>
      markFailed(trx, doc.id, { reason: failure.reason, message: failure.message }),
    );
    if (!marked) return skipped(deps.db, doc);
    return { status: 'failed', documentId: doc.id, reason: failure.reason, message: failure.message };
  };
  try {
    if (size > deps.limits.maxBytes) {
      throw new DocumentFailure(
        'too_large',
        `The uploaded object is ${size} bytes; the limit is ${deps.limits.maxBytes} (ASSAY_DOCUMENT_MAX_BYTES)`,
      );
    }
    const parsed = await extractChecked(deps.extract ?? extractDocument, doc.kind, open, deps.limits);
    const chunks = parsed.chunks;
    const columnDimensions = await withTenant(deps.db, doc.orgId, (trx) => embeddingColumnDimensions(trx));
    if (deps.embedder.dimensions !== columnDimensions) {
      throw new DocumentFailure(
        'embedding_failed',
        `The embedder makes ${deps.embedder.dimensions}-dimensional vectors but the database stores ${columnDimensions} (ASSAY_EMBEDDING_DIMENSIONS must match the column)`,
      );
    }
    const vectors = await embedAll(
      deps.embedder,
      chunks.map((c) => chunkEmbeddingText(c.headingPath, c.text)),
    );
    const title = parsed.title ? await ownTitle(deps.db, doc, parsed.title) : undefined;
    const stored = await withTenant(deps.db, doc.orgId, (trx) =>
      storeReadyDocument(trx, {
        id: doc.id,
        orgId: doc.orgId,
        bytes: size,
        ...(parsed.pageCount === undefined ? {} : { pageCount: parsed.pageCount }),
        model: deps.embedder.model,
        dimensions: deps.embedder.dimensions,
        chunks: chunks.map((chunk, i) => ({ ...chunk, embedding: vectors[i] ?? [] })),
        ...(title ? { title } : {}),
        ...(parsed.warnings?.length ? { message: parsed.warnings.join(' ') } : {}),
      }),
    );
    if (!stored) return skipped(deps.db, doc);
    return {
      status: 'ready',
      documentId: doc.id,
      chunks: chunks.length,
      ...(parsed.pageCount === undefined ? {} : { pageCount: parsed.pageCount }),
    };
  } catch (error) {
    if (error instanceof DocumentFailure) return fail(error);
    throw error;
  }
}

/** `title` when the uploader gave the document none (its title is still the one made from the file name). */
async function ownTitle(
  db: Kysely<Database>,
  doc: { id: string; orgId: string },
  title: string,
): Promise<string | undefined> {
  const row = await withTenant(db, doc.orgId, (trx) => findDocument(trx, doc.id));
  return row && row.title === defaultTitle(row.filename) ? title : undefined;
}

async function skipped(db: Kysely<Database>, doc: { id: string; orgId: string }): Promise<ProcessOutcome> {
  const row = await withTenant(db, doc.orgId, (trx) => findDocument(trx, doc.id));
  return { status: 'skipped', documentId: doc.id, current: row?.status ?? 'failed' };
}

/** The parts of an S3 object-created record the consumer reads. */
export const documentObjectRecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({ object: z.object({ key: z.string(), size: z.number().int().nonnegative().optional() }) }),
});

export interface ObjectDeps extends ProcessDeps {
  openObject: (key: string) => Promise<Readable>;
  deleteObject: (key: string) => Promise<void>;
  log: (message: string, attributes: Record<string, unknown>) => void;
}

/**
 * Handles one object-created record of the documents prefix. Only keys Assay
 * issued are read (anything else is deleted and logged); a document already
 * ready or failed is left as it is, so a re-delivered event changes nothing.
 */
export async function handleDocumentObject(
  deps: ObjectDeps,
  record: z.infer<typeof documentObjectRecordSchema>,
): Promise<ProcessOutcome | { status: 'discarded'; key: string }> {
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
  const doc = await withSystem(deps.db, (trx) =>
    trx
      .selectFrom('documents')
      .select(['id', 'org_id', 'kind'])
      .where('object_key', '=', key)
      .executeTakeFirst(),
  );
  if (!doc) {
    await deps.deleteObject(key);
    deps.log('Deleted an object under a document key that was never issued', { key });
    return { status: 'discarded', key };
  }
  return processDocument(
    deps,
    { id: doc.id, orgId: doc.org_id, kind: doc.kind },
    () => deps.openObject(key),
    record.s3.object.size ?? 0,
  );
}
