import { z } from 'zod';
import {
  DOCUMENT_KINDS,
  documentStatusSchema,
  failureReasonSchema,
} from '../../shared/documents/document-types.ts';
import { SEARCH_MODES } from '../../shared/documents/search.service.ts';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { mediaType } from './params.ts';

// ---- Requirement documents and search (shared/documents) ----

const orgParams = z.object({ org: text().min(1).max(100) });
const documentParams = orgParams.extend({ id: uuid() });

export const documentSchema = z
  .object({
    id: uuid(),
    title: text(),
    filename: text(),
    contentType: text(),
    kind: z.enum(DOCUMENT_KINDS),
    bytes: z.number().int(),
    status: documentStatusSchema,
    failureReason: failureReasonSchema.optional(),
    message: text()
      .optional()
      .meta({ description: 'Why it failed, in words; on a ready document, warnings about how it was read' }),
    pageCount: z.number().int().optional(),
    chunkCount: z.number().int(),
    embeddingModel: text().optional(),
    createdAt: z.iso.datetime(),
    readyAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Document' });

export const postDocument = defineRoute({
  route: 'POST /api/v1/orgs/{org}/documents',
  auth: 'session',
  action: 'documents:upload',
  orgParam: 'org',
  summary: 'Register a requirement document and get a presigned upload URL',
  description:
    'PDF, DOCX, Markdown, plain text, CSV or HTML: the extension names the kind and the content type must be one accepted for it (or `application/octet-stream`); otherwise 400 `unsupported_type`. Over `ASSAY_DOCUMENT_MAX_BYTES` (default 50 MB) → 413. PUT the file to `upload.url` within 15 minutes with `upload.headers`; its Content-Length must be `bytes` (signed). The document is then parsed, chunked and embedded: poll `GET …/documents/{id}` until `ready` or `failed`.',
  tags: ['documents'],
  params: orgParams,
  body: z.strictObject({
    filename: text()
      .min(1)
      .max(255)
      .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20), 'no control characters'),
    contentType: mediaType(),
    // S3's largest object (5 TiB); over ASSAY_DOCUMENT_MAX_BYTES is a 413.
    bytes: z
      .number()
      .int()
      .nonnegative()
      .max(5 * 1024 ** 4),
    title: text().min(1).max(300).optional(),
  }),
  response: z.object({
    document: documentSchema,
    upload: z.object({
      url: text(),
      method: z.literal('PUT'),
      headers: z.record(text(), text()),
      expiresAt: z.iso.datetime(),
    }),
  }),
  successStatus: 201,
  errors: { 413: 'Larger than ASSAY_DOCUMENT_MAX_BYTES' },
});

export const getDocuments = defineRoute({
  route: 'GET /api/v1/orgs/{org}/documents',
  auth: 'session',
  action: 'documents:read',
  orgParam: 'org',
  summary: "The organisation's documents",
  description: 'Newest first, cursor-paginated, optionally of one status.',
  tags: ['documents'],
  params: orgParams,
  query: z.object({
    status: documentStatusSchema.optional(),
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({ documents: z.array(documentSchema), nextCursor: text().nullable() }),
});

export const getDocument = defineRoute({
  route: 'GET /api/v1/orgs/{org}/documents/{id}',
  auth: 'session',
  action: 'documents:read',
  orgParam: 'org',
  summary: 'A document and its processing status',
  tags: ['documents'],
  params: documentParams,
  response: documentSchema,
});

export const getDocumentChunks = defineRoute({
  route: 'GET /api/v1/orgs/{org}/documents/{id}/chunks',
  auth: 'session',
  action: 'documents:read',
  orgParam: 'org',
  summary: "A document's chunks in reading order",
  tags: ['documents'],
  params: documentParams,
  query: z.object({
    cursor: text().max(20).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({
    chunks: z.array(
      z
        .object({
          id: uuid(),
          ordinal: z.number().int(),
          headingPath: z.array(text()),
          text: text(),
          tokenCount: z.number().int(),
          page: z.number().int().optional(),
        })
        .meta({ id: 'DocumentChunk' }),
    ),
    nextCursor: text().nullable(),
  }),
});

export const deleteDocument = defineRoute({
  route: 'DELETE /api/v1/orgs/{org}/documents/{id}',
  auth: 'session',
  action: 'documents:delete',
  orgParam: 'org',
  summary: 'Delete a document, its chunks and its stored file',
  description: 'Audited as `document.deleted`.',
  tags: ['documents'],
  params: documentParams,
  successStatus: 204,
});

export const postSearch = defineRoute({
  route: 'POST /api/v1/orgs/{org}/search',
  auth: 'session',
  action: 'documents:search',
  orgParam: 'org',
  summary: "Search the organisation's documents",
  description:
    '`hybrid` (default): reciprocal rank fusion (k = 60) of vector search (pgvector cosine distance, HNSW index) and full-text search (`websearch_to_tsquery`: quotes, `or`, `-term`), each over its top 50. `score` is the fused score in hybrid mode, the cosine similarity in vector mode and `ts_rank_cd` in text mode; `ranks` gives the chunk’s rank in each list.',
  tags: ['documents'],
  params: orgParams,
  body: z.strictObject({
    query: text()
      .max(2000)
      .refine((q) => q.trim().length > 0, 'must not be blank'),
    limit: z.number().int().min(1).max(50).default(10),
    documentIds: z.array(uuid()).max(100).optional(),
    mode: z.enum(SEARCH_MODES).default('hybrid'),
  }),
  response: z.object({
    results: z.array(
      z
        .object({
          documentId: uuid(),
          documentTitle: text(),
          chunkId: uuid(),
          headingPath: z.array(text()),
          text: text(),
          page: z.number().int().optional(),
          score: z.number(),
          ranks: z.object({ vector: z.number().int().optional(), text: z.number().int().optional() }),
        })
        .meta({ id: 'SearchResult' }),
    ),
  }),
  errors: {
    409: 'The embedder and the database disagree on the vector size',
    502: 'The embeddings API failed (text mode needs none)',
  },
});
