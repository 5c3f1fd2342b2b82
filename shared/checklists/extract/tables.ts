import type { Table } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { renderFlat } from './render.ts';

/**
 * Tables inside a criteria section: one entry per body row, taken from the
 * column whose header names the criterion ("Criterion", "Description",
 * "Expected"…), else from the column with the most text.
 */

const CRITERION_HEADER =
  /criteri|requirement|description|behaviou?r|expected|scenario|condition|check|story|rule|case|item/i;

/** One entry per body row of a criteria table. */
export function tableEntries(table: Table): Entry[] {
  const [header, ...rows] = table.children;
  if (!header || rows.length === 0) return [];
  const headers = header.children.map((cell) => renderFlat(cell.children));
  let column = headers.findIndex((h) => CRITERION_HEADER.test(h));
  if (column < 0) {
    const lengths = headers.map((_, c) =>
      rows.reduce((sum, row) => sum + (row.children[c] ? renderFlat(row.children[c].children).length : 0), 0),
    );
    column = lengths.indexOf(Math.max(...lengths));
  }
  const entries: Entry[] = [];
  for (const row of rows) {
    const cell = row.children[column];
    if (cell) entries.push({ kind: 'row', text: renderFlat(cell.children), order: orderOf(row) });
  }
  return entries;
}
