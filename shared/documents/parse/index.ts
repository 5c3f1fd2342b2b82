/**
 * Parses an uploaded document into blocks, by kind, confirming the kind from
 * the bytes. Every failure is a {@link DocumentFailure} with its reason:
 * `corrupt` (bytes that are not the declared PDF or DOCX, or damaged),
 * `encrypted`, `unsupported_type` (binary bytes for a text kind, a ZIP that is
 * not a Word document), `too_large` (past the byte, uncompressed, row, page,
 * nesting or text limits — see `limits.ts`) or `empty` (no text at all).
 *
 * @module
 */
import { Readable } from 'node:stream';
import { DocumentFailure, type DocumentKind, type ParsedDocument } from '../document-types.ts';
import { decodeText, readAll } from './bytes.ts';
import {
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_TEXT_CHARS,
  isStackOverflow,
  TextBudget,
  tooDeep,
} from './limits.ts';

export interface ParseLimits {
  /** Bytes read at most (the upload limit). */
  maxBytes: number;
  /** CSV data rows at most. */
  maxCsvRows: number;
  /** Uncompressed bytes a DOCX may expand to. */
  maxDocxUncompressedBytes?: number;
  /** Pages a PDF may have (default {@link DEFAULT_MAX_PAGES}). */
  maxPages?: number;
  /** Characters of text a document may hold (default {@link DEFAULT_MAX_TEXT_CHARS}). */
  maxTextChars?: number;
  /** Levels of nesting (default {@link DEFAULT_MAX_DEPTH}). */
  maxDepth?: number;
}

const LABELS: Record<DocumentKind, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  markdown: 'Markdown',
  text: 'plain text',
  csv: 'CSV',
  html: 'HTML',
};

/** The stream again, after its first chunk was checked to be text. */
async function checkedTextStream(stream: Readable): Promise<Readable> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return Readable.from([]);
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value as Uint8Array);
  decodeText(head.subarray(0, 65_536), LABELS.csv);
  return Readable.from(
    (async function* () {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield next.value as Buffer;
    })(),
  );
}

/**
 * Parses one document of `kind` from `open()`'s stream within `limits`.
 * Throws {@link DocumentFailure} for every problem of the document itself
 * (a stack overflow in a parser becomes `too_large`, nested too deeply).
 */
export async function parseDocument(
  kind: DocumentKind,
  open: () => Promise<Readable>,
  limits: ParseLimits,
): Promise<ParsedDocument> {
  try {
    return await parseWithin(kind, open, limits);
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep(limits.maxDepth ?? DEFAULT_MAX_DEPTH);
    throw error;
  }
}

async function parseWithin(
  kind: DocumentKind,
  open: () => Promise<Readable>,
  limits: ParseLimits,
): Promise<ParsedDocument> {
  const maxText = limits.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const budget = new TextBudget(maxText);
  let parsed: ParsedDocument;
  // Each format's parser is loaded when first needed: the parser process starts faster.
  if (kind === 'csv') {
    const { csvBlocks } = await import('./csv.ts');
    parsed = await csvBlocks(async () => checkedTextStream(await open()), limits.maxCsvRows, budget);
  } else {
    const bytes = await readAll(await open(), limits.maxBytes);
    if (bytes.length === 0) throw new DocumentFailure('empty', 'The file is empty (0 bytes)');
    switch (kind) {
      case 'pdf': {
        const { parsePdf } = await import('./pdf.ts');
        parsed = await parsePdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
          maxPages: limits.maxPages ?? DEFAULT_MAX_PAGES,
          budget,
        });
        break;
      }
      case 'docx': {
        const { DOCX_MAX_UNCOMPRESSED_BYTES, docxBlocks } = await import('./docx.ts');
        parsed = {
          blocks: await docxBlocks(bytes, {
            maxUncompressed: limits.maxDocxUncompressedBytes ?? DOCX_MAX_UNCOMPRESSED_BYTES,
            maxTextChars: maxText,
            maxDepth,
          }),
        };
        break;
      }
      case 'markdown': {
        const { markdownBlocks, splitFrontMatter } = await import('./text-formats.ts');
        const text = decodeText(bytes, LABELS.markdown);
        budget.add(text.length);
        const front = splitFrontMatter(text);
        parsed = {
          blocks: markdownBlocks(text, maxDepth),
          ...(front.title ? { title: front.title } : {}),
          ...(front.warning ? { warnings: [front.warning] } : {}),
        };
        break;
      }
      case 'html': {
        const { htmlBlocks } = await import('./text-formats.ts');
        parsed = { blocks: htmlBlocks(decodeText(bytes, LABELS.html), maxDepth) };
        break;
      }
      case 'text': {
        const { plainTextBlocks } = await import('./text-formats.ts');
        const text = decodeText(bytes, LABELS.text);
        budget.add(text.length);
        parsed = { blocks: plainTextBlocks(text) };
        break;
      }
    }
  }
  if (kind === 'html' || kind === 'docx') {
    for (const block of parsed.blocks) budget.add(block.text.length);
  }
  if (parsed.blocks.length === 0) {
    throw new DocumentFailure(
      'empty',
      kind === 'pdf'
        ? 'The PDF has no extractable text (scanned pages are not read)'
        : `The document has no text (${LABELS[kind]} with nothing to read)`,
    );
  }
  return parsed;
}
