/**
 * Requirement documents (SPEC §6, issue 16): issuing presigned uploads,
 * listing, reading chunks and deleting. Processing an uploaded object lives
 * in `processing.service.ts` (so API handlers do not bundle the parsers),
 * search in `search.service.ts`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import { type PresignPut, presignedPutHeaders } from '../ci/presigner.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../errors.ts';
import { olderThan, page, parseIdCursor } from '../identity/pagination.ts';
import {
  DOCUMENT_FORMATS,
  DOCUMENT_KINDS,
  DOCUMENT_UPLOAD_TTL_SECONDS,
  type DocumentKind,
  type DocumentStatus,
  documentKindOf,
  documentObjectKey,
  type FailureReason,
} from './document-types.ts';
import { type DocumentRow, documentColumns, findDocument } from './documents.repository.ts';

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
      headers: presignedPutHeaders(contentType),
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
