/**
 * Tables made readable before the HTML tree becomes Markdown (issue 28):
 * `hast-util-to-mdast` fuses the paragraphs of one cell (`projects.No`),
 * leaves a nested table as character references (`&#xA;&#x9;`) once the cell
 * is written as Markdown, and invents an empty header row for a table
 * without `<th>` (every table mammoth writes from Word). Here, on the hast
 * tree: a cell holding block structure (several paragraphs, a list, line
 * breaks, a nested table) becomes one line of text with separators — `. `
 * or `; ` between paragraphs and list items, ` / ` between the cells of a
 * nested table and `; ` between its rows — and a table with no header cells
 * takes its first row as the header, as Word shows it.
 *
 * @module
 */
import type { Element, ElementContent, Root } from 'hast';

const BLOCK = new Set([
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'address',
  'hr',
]);

/** Joins the lines of a cell: after a sentence or clause mark a space is enough, otherwise `; `. */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (!line) continue;
    if (!out) out = line;
    else out += /[.!?:;。！？；：]$/u.test(out) ? ` ${line}` : `; ${line}`;
  }
  return out;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ');

/** The rows of `table` (through `thead`/`tbody`/`tfoot`), not those of tables nested in its cells. */
function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children) {
    if (child.type !== 'element') continue;
    if (child.tagName === 'tr') rows.push(child);
    else if (['thead', 'tbody', 'tfoot'].includes(child.tagName))
      for (const row of child.children) if (row.type === 'element' && row.tagName === 'tr') rows.push(row);
  }
  return rows;
}

const cellsOf = (row: Element) =>
  row.children.filter(
    (c): c is Element => c.type === 'element' && (c.tagName === 'td' || c.tagName === 'th'),
  );

/** The text of a cell's content as one line, blocks and nested tables kept apart by separators. */
function cellText(nodes: readonly ElementContent[]): string {
  const lines: string[] = [];
  let current = '';
  const breakLine = () => {
    const line = current.trim();
    if (line) lines.push(line);
    current = '';
  };
  const visit = (list: readonly ElementContent[]) => {
    for (const node of list) {
      if (node.type === 'text') current += collapse(node.value);
      else if (node.type !== 'element') continue;
      else if (node.tagName === 'br') breakLine();
      else if (node.tagName === 'table') {
        breakLine();
        const rows = rowsOf(node)
          .map((row) =>
            cellsOf(row)
              .map((cell) => cellText(cell.children))
              .filter(Boolean)
              .join(' / '),
          )
          .filter(Boolean);
        if (rows.length > 0) lines.push(rows.join('; '));
      } else if (BLOCK.has(node.tagName)) {
        breakLine();
        visit(node.children);
        breakLine();
      } else visit(node.children);
    }
  };
  visit(nodes);
  breakLine();
  return joinLines(lines);
}

/** True when a cell holds more than inline text: several blocks, line breaks, a list or a table. */
function hasStructure(cell: Element): boolean {
  let blocks = 0;
  const stack: ElementContent[] = [...cell.children];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type !== 'element') continue;
    if (node.tagName === 'table' || node.tagName === 'br') return true;
    if (BLOCK.has(node.tagName) && ++blocks > 1) return true;
    stack.push(...node.children);
  }
  return false;
}

/**
 * Rewrites every outermost table of `tree` in place (see the module). Depth
 * must have been checked: the walk recurses per nesting level.
 */
export function normalizeTables(tree: Root | Element): void {
  const stack: (Root | Element)[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.tagName !== 'table') {
        stack.push(child);
        continue;
      }
      const rows = rowsOf(child);
      for (const row of rows) {
        for (const cell of cellsOf(row)) {
          if (hasStructure(cell)) cell.children = [{ type: 'text', value: cellText(cell.children) }];
        }
      }
      const first = rows[0];
      const hasHeader = rows.some((row) => cellsOf(row).some((cell) => cell.tagName === 'th'));
      if (first && !hasHeader) for (const cell of cellsOf(first)) cell.tagName = 'th';
    }
  }
}
