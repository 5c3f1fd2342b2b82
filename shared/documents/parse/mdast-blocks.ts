/**
 * Turns a Markdown tree (mdast, with GFM) into document blocks: headings set
 * the heading path of what follows (a heading closes deeper ones), every list
 * item, paragraph, table, code block and quote becomes one block of
 * Markdown-like text. Raw HTML, definitions and rules carry no text and are
 * dropped. Every format Assay reads becomes such a tree first.
 *
 * @module
 */
import type { Heading, List, ListItem, Root, RootContent } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { type Options, toMarkdown } from 'mdast-util-to-markdown';
import { toString as mdastToString } from 'mdast-util-to-string';
import type { DocumentBlock } from '../document-types.ts';

const markdownOptions: Options = { extensions: [gfmToMarkdown()], bullet: '-', emphasis: '_', fences: true };

/**
 * Undoes the character references `mdast-util-to-markdown` writes where a
 * character would be unsafe in Markdown (`&#xA;` for a line ending inside a
 * table cell, `&#x20;` for a space next to emphasis, `&#x26;` for an `&`
 * that looks like a reference): stored text is for people, search and
 * embeddings, and never holds such escapes. Line endings and tabs become
 * spaces. One pass, so an `&` it had encoded comes back as the `&` of the
 * source text.
 */
function decodeReferences(text: string): string {
  return text.replace(/&#x([0-9A-Fa-f]{1,6});/g, (reference, hex: string) => {
    const code = Number.parseInt(hex, 16);
    if (code === 0x0a || code === 0x0d || code === 0x09) return ' ';
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
  });
}

/**
 * Undoes the backslash escapes `mdast-util-to-markdown` writes before ASCII
 * punctuation (`\<tag>`, `\*`), in one pass so an escaped backslash comes
 * back as one; a table keeps `\|`, which would otherwise end its cell.
 */
function unescapePunctuation(text: string, inTable: boolean): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, (sequence, char: string) =>
    inTable && char === '|' ? sequence : char,
  );
}

function render(node: RootContent): string {
  const markdown = toMarkdown({ type: 'root', children: [node] } as Root, markdownOptions).trim();
  if (node.type === 'code') return markdown;
  return unescapePunctuation(decodeReferences(markdown), node.type === 'table');
}

/** A list item alone, still marked as a list item (`- …` or `3. …`). */
function renderItem(list: List, item: ListItem, index: number): string {
  const single: List = {
    ...list,
    start: list.ordered ? (list.start ?? 1) + index : list.start,
    children: [item],
  };
  return render(single);
}

/** The open headings (outermost first); pass the same stack to continue a document parsed in parts. */
export type HeadingStack = { depth: number; text: string }[];

/** Heading text on one line, whitespace collapsed. */
export function headingText(heading: Heading): string {
  return mdastToString(heading).replace(/\s+/g, ' ').trim();
}

/**
 * Blocks of `root` in reading order. `basePath` is prefixed to every heading
 * path (e.g. a document title); `page` is stamped on every block.
 */
export function blocksFromMdast(
  root: Root,
  options: { basePath?: string[]; page?: number; headings?: HeadingStack } = {},
): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  const stack: HeadingStack = options.headings ?? [];
  const path = () => [...(options.basePath ?? []), ...stack.map((h) => h.text)];
  const push = (text: string) => {
    if (text.trim() === '') return;
    blocks.push({ text, headingPath: path(), ...(options.page === undefined ? {} : { page: options.page }) });
  };
  const visit = (nodes: readonly RootContent[]) => {
    for (const node of nodes) {
      switch (node.type) {
        case 'heading': {
          while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= node.depth) stack.pop();
          const text = headingText(node);
          if (text) stack.push({ depth: node.depth, text });
          break;
        }
        case 'list':
          node.children.forEach((item, index) => {
            push(renderItem(node, item, index));
          });
          break;
        case 'html':
        case 'definition':
        case 'thematicBreak':
        case 'yaml' as RootContent['type']:
          break;
        default:
          push(render(node));
      }
    }
  };
  visit(root.children);
  return blocks;
}
