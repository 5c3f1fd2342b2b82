/**
 * Parse and chunk one document: the CPU- and memory-heavy part of processing,
 * run in a separate process by the documents consumer (`isolated.ts`) and in
 * the calling process by the CLI and tests.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { chunkBlocks } from '../chunker.ts';
import type { DocumentChunkDraft, DocumentKind } from '../document-types.ts';
import { type ParseLimits, parseDocument } from './index.ts';

/** A document parsed and chunked, ready to embed. */
export interface ExtractedDocument {
  chunks: DocumentChunkDraft[];
  pageCount?: number;
  /** The title the document gives itself (Markdown front matter). */
  title?: string;
  /** Warnings about how it was read. */
  warnings?: string[];
}

/** Parses and chunks a document; how processing calls it (in this process, or isolated). */
export type Extractor = (
  kind: DocumentKind,
  open: () => Promise<Readable>,
  limits: ParseLimits,
) => Promise<ExtractedDocument>;

/** Parses and chunks in this process. Throws `DocumentFailure` for problems of the document. */
export const extractDocument: Extractor = async (kind, open, limits) => {
  const parsed = await parseDocument(kind, open, limits);
  return {
    chunks: chunkBlocks(parsed.blocks),
    ...(parsed.pageCount === undefined ? {} : { pageCount: parsed.pageCount }),
    ...(parsed.title ? { title: parsed.title } : {}),
    ...(parsed.warnings?.length ? { warnings: parsed.warnings } : {}),
  };
};
