/**
 * Processing an uploaded document (SPEC §6, issue 16): parse → chunk → embed
 * → store, from the S3 object-created event of its upload (or a file the CLI
 * reads). Kept apart from `documents.service.ts` so the API handlers do not
 * bundle the parsers.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { chunkBlocks } from './chunker.ts';
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
import { chunkEmbeddingText, type Embedder } from './embeddings/index.ts';
import { type ParseLimits, parseDocument } from './parse/index.ts';

export interface ProcessDeps {
  db: Kysely<Database>;
  embedder: Embedder;
  limits: ParseLimits;
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
    const parsed = await parseDocument(doc.kind, open, deps.limits);
    const chunks = chunkBlocks(parsed.blocks);
    const columnDimensions = await withTenant(deps.db, doc.orgId, (trx) => embeddingColumnDimensions(trx));
    if (deps.embedder.dimensions !== columnDimensions) {
      throw new DocumentFailure(
        'embedding_failed',
        `The embedder makes ${deps.embedder.dimensions}-dimensional vectors but the database stores ${columnDimensions} (ASSAY_EMBEDDING_DIMENSIONS must match the column)`,
      );
    }
    const vectors = await deps.embedder.embed(chunks.map((c) => chunkEmbeddingText(c.headingPath, c.text)));
    const stored = await withTenant(deps.db, doc.orgId, (trx) =>
      storeReadyDocument(trx, {
        id: doc.id,
        orgId: doc.orgId,
        bytes: size,
        ...(parsed.pageCount === undefined ? {} : { pageCount: parsed.pageCount }),
        model: deps.embedder.model,
        dimensions: deps.embedder.dimensions,
        chunks: chunks.map((chunk, i) => ({ ...chunk, embedding: vectors[i] ?? [] })),
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
