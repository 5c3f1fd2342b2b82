/**
 * CSV with `csv-parse`, streaming: a BOM is dropped, quoted cells may span
 * lines, ragged rows are accepted. The first row names the columns; every
 * later row becomes one record `column: value; column: value` (empty cells
 * left out), and the chunker groups records into chunks. Rows are read as
 * they stream in; past `maxRows` data rows the read stops and the document
 * fails as `too_large`, so a million-row file never sits in memory.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { type DocumentBlock, DocumentFailure } from '../document-types.ts';

/** Blocks of a CSV stream: one per data row. */
export async function csvBlocks(stream: Readable, maxRows: number): Promise<DocumentBlock[]> {
  const parser = stream.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
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
      if (cells.length > 0) blocks.push({ text: cells.join('; '), headingPath: [] });
    }
  } catch (error) {
    if (error instanceof DocumentFailure) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DocumentFailure('corrupt', `The CSV could not be parsed: ${message}`, { cause: error });
  }
  return blocks;
}
