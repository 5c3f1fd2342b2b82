/**
 * CSV with `csv-parse`, streaming: a BOM is dropped, quoted cells may span
 * lines, ragged rows are accepted. The first row names the columns; every
 * later row becomes one record `column: value; column: value` (empty cells
 * left out), and the chunker groups records into chunks. Rows are read as
 * they stream in; past `maxRows` data rows the read stops and the document
 * fails as `too_large`, so a million-row file never sits in memory.
 *
 * A stray quote (`a 12" pizza`: a quote inside an unquoted cell, or text
 * after a closing quote) is read the way Excel and Python's `csv` read it —
 * the quote taken literally — and the document carries a warning naming the
 * line; only a quote left open at the end of the file is `corrupt`.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { type DocumentBlock, DocumentFailure, type ParsedDocument } from '../document-types.ts';
import { TextBudget } from './limits.ts';

/** Characters one CSV row may have (a quote left open would otherwise swallow the file into one cell). */
export const CSV_MAX_RECORD_CHARS = 1_000_000;

const STRAY_QUOTE_CODES = new Set(['INVALID_OPENING_QUOTE', 'CSV_INVALID_CLOSING_QUOTE']);

async function readCsv(
  stream: Readable,
  maxRows: number,
  budget: TextBudget,
  relaxQuotes: boolean,
): Promise<DocumentBlock[]> {
  const parser = stream.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      relax_quotes: relaxQuotes,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      max_record_size: CSV_MAX_RECORD_CHARS,
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  const blocks: DocumentBlock[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((name, i) => name.trim() || `column ${i + 1}`);
        continue;
      }
      if (blocks.length >= maxRows) {
        stream.destroy();
        parser.destroy();
        throw new DocumentFailure(
          'too_large',
          `The CSV has more than ${maxRows} data rows (ASSAY_DOCUMENT_MAX_CSV_ROWS); split it or raise the limit`,
        );
      }
      const cells = record
        .map((value, i) => [header?.[i] ?? `column ${i + 1}`, value.replace(/\s+/g, ' ').trim()] as const)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => `${name}: ${value}`);
      if (cells.length > 0) {
        const text = cells.join('; ');
        budget.add(text.length);
        blocks.push({ text, headingPath: [] });
      }
    }
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return blocks;
}

function failure(error: unknown): DocumentFailure {
  if (error instanceof DocumentFailure) return error;
  if (error instanceof CsvError && error.code === 'CSV_MAX_RECORD_SIZE') {
    return new DocumentFailure(
      'too_large',
      `A row of the CSV is longer than ${CSV_MAX_RECORD_CHARS.toLocaleString('en-US')} characters (a quote left open?); refused`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DocumentFailure('corrupt', `The CSV could not be parsed: ${message}`, { cause: error });
}

/**
 * Blocks of a CSV document, one per data row, read from `open()` (opened a
 * second time when a stray quote makes the strict read fail).
 */
export async function csvBlocks(
  open: () => Promise<Readable>,
  maxRows: number,
  budget: TextBudget,
): Promise<ParsedDocument> {
  try {
    return { blocks: await readCsv(await open(), maxRows, budget, false) };
  } catch (error) {
    if (!(error instanceof CsvError && STRAY_QUOTE_CODES.has(error.code))) throw failure(error);
    const line = (error as CsvError & { lines?: number }).lines;
    try {
      const blocks = await readCsv(await open(), maxRows, new TextBudget(budget.max), true);
      return {
        blocks,
        warnings: [
          `The CSV has a stray quote${line ? ` on line ${line}` : ''} (a " inside a cell that is not quoted, or after a closing quote); it was read as a literal " character, as Excel and Python's csv read it`,
        ],
      };
    } catch (relaxed) {
      throw failure(relaxed);
    }
  }
}
