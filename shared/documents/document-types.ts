/**
 * Requirement documents: the kinds Assay reads, how a kind is recognised
 * (content type and file extension), the statuses and failure reasons of
 * processing, and the object key of an upload (SPEC §6, issue 16).
 *
 * @module
 */
import { z } from 'zod';

/** Kinds of document Assay parses. */
export const DOCUMENT_KINDS = ['pdf', 'docx', 'markdown', 'text', 'csv', 'html'] as const;
/** One of {@link DOCUMENT_KINDS}. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Processing statuses: `pending → processing → ready`, or `failed`. */
export const DOCUMENT_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const documentStatusSchema = z.enum(DOCUMENT_STATUSES);

/** Why a document failed (its `failureReason`); `message` says it in words. */
export const FAILURE_REASONS = [
  'encrypted',
  'corrupt',
  'unsupported_type',
  'too_large',
  'empty',
  'embedding_failed',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
export const failureReasonSchema = z.enum(FAILURE_REASONS);

/** A processing failure a parser or the pipeline reports: recorded on the document, never thrown further. */
export class DocumentFailure extends Error {
  override readonly name = 'DocumentFailure';
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Sent for any kind: the client did not know better. */
const GENERIC_CONTENT_TYPE = 'application/octet-stream';

/** Per kind: the file extensions and the content types accepted for it. */
export const DOCUMENT_FORMATS: Readonly<
  Record<DocumentKind, { extensions: readonly string[]; contentTypes: readonly string[] }>
> = {
  pdf: { extensions: ['pdf'], contentTypes: ['application/pdf', 'application/x-pdf'] },
  docx: {
    extensions: ['docx'],
    contentTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  },
  markdown: {
    extensions: ['md', 'markdown', 'mdown', 'mkd'],
    contentTypes: ['text/markdown', 'text/x-markdown', 'text/plain'],
  },
  text: { extensions: ['txt', 'text'], contentTypes: ['text/plain'] },
  csv: {
    extensions: ['csv'],
    // Browsers on Windows label CSV files as Excel's.
    contentTypes: ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'],
  },
  html: { extensions: ['html', 'htm', 'xhtml'], contentTypes: ['text/html', 'application/xhtml+xml'] },
};

/** The bare media type of a Content-Type header value: lower case, parameters dropped. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The kind of an upload from its file name and declared content type: the
 * extension names the kind, and the content type must be one accepted for it
 * (or `application/octet-stream`). Returns `undefined` when they do not name a
 * supported kind together.
 */
export function documentKindOf(filename: string, contentType: string): DocumentKind | undefined {
  const dot = filename.lastIndexOf('.');
  const extension = dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
  const media = mediaTypeOf(contentType);
  for (const kind of DOCUMENT_KINDS) {
    const format = DOCUMENT_FORMATS[kind];
    if (!format.extensions.includes(extension)) continue;
    if (media === GENERIC_CONTENT_TYPE || format.contentTypes.includes(media)) return kind;
  }
  return undefined;
}

/** How long a presigned document upload URL stays valid: 15 minutes. */
export const DOCUMENT_UPLOAD_TTL_SECONDS = 15 * 60;

/** Last segment of every document object key: the bucket notification matches on it. */
export const DOCUMENT_OBJECT_SUFFIX = '/original';

/**
 * The object key of a document's upload, `orgs/{org}/documents/{id}/original`.
 * The organisation login and the UUID are path-safe; the file name stays in
 * the row, never in the key.
 */
export function documentObjectKey(orgLogin: string, documentId: string): string {
  return `orgs/${orgLogin}/documents/${documentId}${DOCUMENT_OBJECT_SUFFIX}`;
}

/** One block of a parsed document: a paragraph, list item, table, code block… with where it sits. */
export interface DocumentBlock {
  /** Markdown-like text of the block. */
  text: string;
  /** Headings above the block, outermost first. */
  headingPath: string[];
  /** 1-based page (PDF only). */
  page?: number;
}

/** A parsed document: its blocks in reading order, and its page count where pages exist. */
export interface ParsedDocument {
  blocks: DocumentBlock[];
  pageCount?: number;
  /** A title the document gives itself (Markdown front matter `title`). */
  title?: string;
  /** What a person should know about how it was read (a stray quote in a CSV…); the document is still ready. */
  warnings?: string[];
}

/** A chunk ready to embed and store. */
export interface DocumentChunkDraft {
  ordinal: number;
  headingPath: string[];
  text: string;
  tokenCount: number;
  page?: number;
}
