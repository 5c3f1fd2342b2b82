import type { Table } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { foldKeyword, matchStepKeyword } from './gherkin-keywords.ts';
import { renderFlat } from './render.ts';

/**
 * Tables inside a criteria section: one entry per body row. A table with
 * Given/When/Then columns (in any language of the Gherkin keyword table) or
 * Scenario/Expected columns keeps every column of the row — `Locked out;
 * Given a locked account; When the admin unlocks it; Then the account is
 * unlocked`, `Unlock; Expected result: the account is unlocked` (id columns
 * left out); any other table gives the column whose header names the
 * criterion ("Criterion", "Description", "Expected"…), else the column with
 * the most text.
 */

const CRITERION_HEADER =
  /criteri|requirement|description|behaviou?r|expected|scenario|condition|check|story|rule|case|item/i;

/** A column that names the row (`Scenario`, `Name`, `Title`, `Case`). */
const NAME_HEADER = /^(?:scenarios?|name|title|case|test case|criteri(?:on|a)|story|rule)$/i;
/** A column of ids or numbers, left out of a multi-column item. */
const ID_HEADER = /^(?:#|no\.?|nr\.?|id|tid|ac|ref|key|n°)$/i;
/** A column of the expected result. */
const EXPECTED_HEADER = /^(?:expected(?: (?:result|outcome|behaviou?r))?|result|outcome)$/i;

type ColumnRole = { role: 'step'; keyword: string } | { role: 'name' | 'id' | 'other'; header: string };

/** A header that is exactly a Gherkin step keyword (`Given`, `THEN`, `Angenommen`, `Étant donné`). */
function stepHeader(header: string): boolean {
  const text = header.replace(/[:：]\s*$/u, '').trim();
  const match = matchStepKeyword(text);
  return match !== null && match.length === foldKeyword(text).length;
}

function roleOf(header: string): ColumnRole {
  const text = header.replace(/[:：]\s*$/u, '').trim();
  if (stepHeader(text)) return { role: 'step', keyword: text };
  if (ID_HEADER.test(text)) return { role: 'id', header: text };
  if (NAME_HEADER.test(text)) return { role: 'name', header: text };
  return { role: 'other', header: text };
}

/** Column roles when the table is a Given/When/Then or Scenario/Expected table, else `null`. */
function multiColumn(headers: readonly string[]): ColumnRole[] | null {
  const roles = headers.map(roleOf);
  const steps = roles.filter((r) => r.role === 'step').length;
  const named = roles.some((r) => r.role === 'name');
  const expected = headers.some((h) => EXPECTED_HEADER.test(h.replace(/[:：]\s*$/u, '').trim()));
  return steps >= 2 || (named && expected) ? roles : null;
}

function rowText(roles: readonly ColumnRole[], cells: readonly string[]): string {
  let name = '';
  const parts: string[] = [];
  roles.forEach((role, c) => {
    const cell = cells[c]?.trim() ?? '';
    if (cell === '' || role.role === 'id') return;
    if (role.role === 'name' && name === '') name = cell;
    else if (role.role === 'step')
      parts.push(foldKeyword(cell).startsWith(foldKeyword(role.keyword)) ? cell : `${role.keyword} ${cell}`);
    else parts.push(`${role.header}: ${cell}`);
  });
  return (name === '' ? parts : [name, ...parts]).join('; ');
}

/** One entry per body row of a criteria table. */
export function tableEntries(table: Table): Entry[] {
  const [header, ...rows] = table.children;
  if (!header || rows.length === 0) return [];
  const headers = header.children.map((cell) => renderFlat(cell.children));
  const roles = multiColumn(headers);
  if (roles !== null) {
    return rows.map((row) => ({
      kind: 'row',
      text: rowText(
        roles,
        row.children.map((cell) => renderFlat(cell.children)),
      ),
      order: orderOf(row),
    }));
  }
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
