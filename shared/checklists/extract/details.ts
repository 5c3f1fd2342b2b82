import type { Html, RootContent } from 'mdast';
import { isCriteriaLabel } from './labels.ts';
import { parseMarkdown, shiftPositions } from './parse.ts';
import { htmlText } from './render.ts';

/**
 * `<details><summary>Acceptance criteria</summary> … </details>` blocks: the
 * summary labels what the block holds, as a heading does. GitHub renders the
 * Markdown inside when a blank line separates it from the HTML; without one
 * the list is part of the HTML block's raw text, so that text is parsed too.
 */

const SUMMARY = /<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/i;
const DETAILS_END = /<\/details\s*>/i;

/** Plain text of an HTML fragment: tags dropped, a few entities decoded, whitespace collapsed. */
function plain(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, (tag) => htmlText(tag))
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The blocks a criteria `<details>` at `children[start]` holds, and the index after it; `null` when it is not one. */
export function criteriaDetails(
  children: readonly RootContent[],
  start: number,
): { blocks: RootContent[]; next: number } | null {
  const node = children[start];
  if (node?.type !== 'html') return null;
  const summary = SUMMARY.exec(node.value);
  if (summary === null || !isCriteriaLabel(plain(summary[1] ?? ''))) return null;
  const blocks: RootContent[] = [];
  const rest = node.value.slice(summary.index + summary[0].length);
  const closed = DETAILS_END.exec(rest);
  const inner = closed === null ? rest : rest.slice(0, closed.index);
  if (inner.trim() !== '') blocks.push(...parseInner(node, inner, summary.index + summary[0].length));
  let next = start + 1;
  if (closed === null) {
    while (next < children.length) {
      const block = children[next]!;
      next += 1;
      if (block.type === 'html' && DETAILS_END.test(block.value)) {
        const before = block.value.slice(0, DETAILS_END.exec(block.value)!.index);
        if (before.trim() !== '') blocks.push(...parseInner(block, before, 0));
        break;
      }
      blocks.push(block);
    }
  }
  return { blocks, next };
}

/** Markdown inside a raw HTML block, with positions in the whole document. */
function parseInner(node: Html, text: string, at: number): RootContent[] {
  const root = parseMarkdown(text);
  const start = node.position?.start;
  const before = node.value.slice(0, at);
  shiftPositions(
    root,
    (start?.offset ?? 0) + at,
    (start?.line ?? 1) - 1 + (before.match(/\n/g)?.length ?? 0),
  );
  return root.children;
}
