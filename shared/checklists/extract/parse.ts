import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { splitIntoChunks } from './chunks.ts';

const GFM_SYNTAX = gfm();
const GFM_TREE = gfmFromMarkdown();
const NO_EMPHASIS = { disable: { null: ['attention', 'strikethrough'] } };

/** Size of the pieces a long document is parsed in (see `chunks.ts`). */
export const PARSE_CHUNK_CHARS = 4 * 1024;

/** Moves every node's position by the chunk's place in the whole document. */
export function shiftPositions(root: Root, offset: number, line: number): void {
  if (offset === 0 && line === 0) return;
  const stack: Nodes[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const position = node.position;
    if (position) {
      position.start = {
        ...position.start,
        offset: (position.start.offset ?? 0) + offset,
        line: position.start.line + line,
      };
      position.end = {
        ...position.end,
        offset: (position.end.offset ?? 0) + offset,
        line: position.end.line + line,
      };
    }
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
}

/**
 * Parses GitHub-flavoured Markdown into an mdast tree (tables, task lists,
 * strikethrough, autolinks, footnotes). Long documents are parsed in pieces
 * split at safe block boundaries and joined, with positions relative to the
 * whole text. With `plainInline`, emphasis and strikethrough markers are left
 * as text (used for pathological inputs).
 */
export function parseMarkdown(text: string, options: { plainInline?: boolean } = {}): Root {
  const extensions = options.plainInline ? [GFM_SYNTAX, NO_EMPHASIS] : [GFM_SYNTAX];
  const chunks = splitIntoChunks(text, PARSE_CHUNK_CHARS);
  const roots = chunks.map((chunk) => {
    const root = fromMarkdown(chunk.text, { extensions, mdastExtensions: [GFM_TREE] });
    shiftPositions(root, chunk.offset, chunk.line);
    return root;
  });
  if (roots.length === 1) return roots[0]!;
  return { type: 'root', children: roots.flatMap((r) => r.children) };
}
