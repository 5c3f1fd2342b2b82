/**
 * Requirement documents (SPEC §6, issue 16): issuing presigned uploads,
 * listing, reading chunks, deleting, and processing an uploaded object
 * (parse → chunk → embed → store). Search lives in `search.service.ts`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { PresignPut } from '../ci/presigner.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../errors.ts';
import { olderThan, page, parseIdCursor } from '../identity/pagination.ts';
import { chunkBlocks } from './chunker.ts';
import {
  DOCUMENT_FORMATS,
  DOCUMENT_KINDS,
  DOCUMENT_UPLOAD_TTL_SECONDS,
  DocumentFailure,
  type DocumentKind,
  type DocumentStatus,
  documentKindOf,
  documentObjectKey,
  type FailureReason,
} from './document-types.ts';
import {
  claimForProcessing,
  type DocumentRow,
  documentColumns,
  embeddingColumnDimensions,
  findDocument,
  markFailed,
  storeReadyDocument,
} from './documents.repository.ts';
import { chunkEmbeddingText, type Embedder } from './embeddings/index.ts';
import { type ParseLimits, parseDocument } from './parse/index.ts';

/** A document as the API shows it. */
export interface DocumentView {
  id: string;
  title: string;
  filename: string;
  contentType: string;
  kind: DocumentKind;
  bytes: number;
  status: DocumentStatus;
  failureReason?: FailureReason;
  message?: string;
  pageCount?: number;
  chunkCount: number;
  embeddingModel?: string;
  createdAt: string;
  readyAt?: string;
}

/** A chunk as the API shows it. */
export interface ChunkView {
  id: string;
  ordinal: number;
  headingPath: string[];
  text: string;
  tokenCount: number;
  page?: number;
}

export function toDocumentView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    title: row.title,
    filename: row.filename,
    contentType: row.content_type,
    kind: row.kind,
    bytes: Number(row.bytes),
    status: row.status,
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    ...(row.message ? { message: row.message } : {}),
    ...(row.page_count === null ? {} : { pageCount: row.page_count }),
    chunkCount: row.chunk_count,
    ...(row.embedding_model ? { embeddingModel: row.embedding_model } : {}),
    createdAt: row.created_at.toISOString(),
    ...(row.ready_at ? { readyAt: row.ready_at.toISOString() } : {}),
  };
}

/** A request for an upload URL (`POST …/documents`). */
export interface NewDocumentUpload {
  filename: string;
  contentType: string;
  bytes: number;
  title?: string;
}

/** The title a document gets when none is given: its file name without the extension. */
export function defaultTitle(filename: string): string {
  const base = filename.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).trim() || base;
}

/** The kind of an upload, or a 400 `unsupported_type` naming what is accepted. */
export function requireDocumentKind(filename: string, contentType: string): DocumentKind {
  const kind = documentKindOf(filename, contentType);
  if (kind) return kind;
  const accepted = DOCUMENT_KINDS.map(
    (k) =>
      `${k} (.${DOCUMENT_FORMATS[k].extensions.join(', .')}: ${DOCUMENT_FORMATS[k].contentTypes.join(', ')})`,
  );
  throw new ValidationError(
    `${filename} (${contentType}) is not a supported document: upload PDF, DOCX, Markdown, plain text, CSV or HTML with a matching extension and content type (or application/octet-stream)`,
    { accepted },
    'unsupported_type',
  );
}

export interface UploadDeps {
  db: Kysely<Database>;
  presignPut: PresignPut;
  maxBytes: number;
  now?: () => Date;
}

/**
 * Registers a document (`pending`) and presigns a PUT of its bytes to
 * `orgs/{org}/documents/{id}/original`, valid 15 minutes, with its content
 * type and exact size signed in. Refuses an unsupported type (400
 * `unsupported_type`), an empty file (400) and one over `maxBytes` (413).
 * Audited as `document.created`.
 */
export async function createDocumentUpload(
  deps: UploadDeps,
  access: OrgAccess,
  actor: Actor,
  body: NewDocumentUpload,
): Promise<{
  document: DocumentView;
  upload: { url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string };
}> {
  const kind = requireDocumentKind(body.filename, body.contentType);
  if (body.bytes > deps.maxBytes) {
    throw new PayloadTooLargeError(
      deps.maxBytes,
      `The document is ${body.bytes} bytes; the limit is ${deps.maxBytes} (ASSAY_DOCUMENT_MAX_BYTES)`,
    );
  }
  if (body.bytes === 0) throw new ValidationError('The document is empty (0 bytes)', undefined, 'empty');
  const id = randomUUID();
  const key = documentObjectKey(access.orgLogin, id);
  const expiresAt = new Date((deps.now?.() ?? new Date()).getTime() + DOCUMENT_UPLOAD_TTL_SECONDS * 1000);
  const contentType = body.contentType.trim();
  const row = await withTenant(deps.db, access.orgId, async (trx) => {
    const inserted = await trx
      .insertInto('documents')
      .values({
        id,
        org_id: access.orgId,
        title: body.title?.trim() || defaultTitle(body.filename),
        filename: body.filename,
        content_type: contentType,
        kind,
        bytes: body.bytes,
        object_key: key,
        created_by: actor.type === 'user' ? actor.id : null,
        upload_expires_at: expiresAt,
      })
      .returning(documentColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, access.orgId, actor, {
      action: 'document.created',
      targetType: 'document',
      targetId: id,
      details: { filename: body.filename, kind, bytes: body.bytes },
    });
    return inserted;
  });
  const url = await deps.presignPut(key, contentType, DOCUMENT_UPLOAD_TTL_SECONDS, body.bytes);
  return {
    document: toDocumentView(row),
    upload: {
      url,
      method: 'PUT',
      headers: { 'content-type': contentType },
      expiresAt: expiresAt.toISOString(),
    },
  };
}

/** The organisation's documents, newest first, optionally of one status. */
export async function listDocuments(
  db: Kysely<Database>,
  orgId: string,
  query: { status?: DocumentStatus; cursor?: string; limit: number },
): Promise<{ documents: DocumentView[]; nextCursor: string | null }> {
  const before = parseIdCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => {
    let q = trx
      .selectFrom('documents')
      .select(documentColumns)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.status) q = q.where('status', '=', query.status);
    if (before) q = q.where(olderThan('documents', before));
    return q.execute();
  });
  const result = page(rows, query.limit, (row) => row.id);
  return { documents: result.rows.map(toDocumentView), nextCursor: result.nextCursor };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Document ${id} not found`);
}

/** One document (404 for an unknown id or another organisation's). */
export async function getDocument(db: Kysely<Database>, orgId: string, id: string): Promise<DocumentView> {
  const row = await withTenant(db, orgId, (trx) => findDocument(trx, id));
  if (!row) throw notFound(id);
  return toDocumentView(row);
}

const ordinalCursor = z.string().regex(/^\d{1,9}$/);

/** A document's chunks in reading order; the cursor is the last ordinal seen. */
export async function listDocumentChunks(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  query: { cursor?: string; limit: number },
): Promise<{ chunks: ChunkView[]; nextCursor: string | null }> {
  if (query.cursor !== undefined && !ordinalCursor.safeParse(query.cursor).success) {
    throw new ValidationError('cursor is not one this API returned', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  }
  const rows = await withTenant(db, orgId, async (trx) => {
    if (!(await findDocument(trx, id))) throw notFound(id);
    let q = trx
      .selectFrom('document_chunks')
      .select(['id', 'ordinal', 'heading_path', 'text', 'token_count', 'page'])
      .where('document_id', '=', id)
      .orderBy('ordinal')
      .limit(query.limit + 1);
    if (query.cursor !== undefined) q = q.where('ordinal', '>', Number(query.cursor));
    return q.execute();
  });
  const result = page(rows, query.limit, (row) => String(row.ordinal));
  return {
    chunks: result.rows.map((row) => ({
      id: row.id,
      ordinal: row.ordinal,
      headingPath: row.heading_path,
      text: row.text,
      tokenCount: row.token_count,
      ...(row.page === null ? {} : { page: row.page }),
    })),
    nextCursor: result.nextCursor,
  };
}

/**
 * Deletes a document: its stored object first (so a failure leaves the row to
 * retry with), then the row and its chunks with an audit event
 * (`document.deleted`) in one transaction. 404 for an unknown id.
 */
export async function deleteDocument(
  deps: { db: Kysely<Database>; deleteObject: (key: string) => Promise<void> },
  access: OrgAccess,
  actor: Actor,
  id: string,
): Promise<void> {
  const existing = await withTenant(deps.db, access.orgId, (trx) =>
    trx.selectFrom('documents').select(['object_key']).where('id', '=', id).executeTakeFirst(),
  );
  if (!existing) throw notFound(id);
  if (existing.object_key) await deps.deleteObject(existing.object_key);
  await withTenant(deps.db, access.orgId, async (trx) => {
    const deleted = await trx
      .deleteFrom('documents')
      .where('id', '=', id)
      .returning(['filename', 'title', 'chunk_count'])
      .executeTakeFirst();
    if (!deleted) throw notFound(id);
    await recordAudit(trx, access.orgId, actor, {
      action: 'document.deleted',
      targetType: 'document',
      targetId: id,
      details: { filename: deleted.filename, title: deleted.title, chunks: deleted.chunk_count },
    });
  });
}

// ---- Processing -------------------------------------------------------------------------------

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
