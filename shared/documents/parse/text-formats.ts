/**
 * Text formats: Markdown (mdast with GFM, the parser the checklists use),
 * plain text (paragraphs between blank lines) and HTML (`hast-util-from-html`
 * → `hast-util-to-mdast`; scripts, styles and embedded objects are dropped
 * before conversion, and nothing is ever executed — the HTML is only parsed).
 *
 * @module
 */
import type { Element, RootContent as HastContent, Root as HastRoot } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toMdast } from 'hast-util-to-mdast';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { DocumentBlock } from '../document-types.ts';
import { blocksFromMdast, type HeadingStack } from './mdast-blocks.ts';

/** Bytes of Markdown parsed at once: micromark slows down more than linearly on long inputs. */
const MARKDOWN_PART_CHARS = 32_000;

/**
 * Splits Markdown before ATX headings (outside fenced code) into parts of
 * about {@link MARKDOWN_PART_CHARS}; no block spans such a split, so the parts
 * parse to the same blocks as the whole.
 */
export function markdownParts(text: string): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  let fence: string | undefined;
  for (const line of text.split(/(?<=\n)/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence ? undefined : marker;
    } else if (!fence && size >= MARKDOWN_PART_CHARS && /^#{1,6}(\s|$)/.test(line)) {
      parts.push(current.join(''));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length;
  }
  if (current.length > 0) parts.push(current.join(''));
  return parts;
}

/** Blocks of a Markdown text (parsed in parts, headings carried from part to part). */
export function markdownBlocks(text: string): DocumentBlock[] {
  const headings: HeadingStack = [];
  return markdownParts(text).flatMap((part) =>
    blocksFromMdast(fromMarkdown(part, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }), {
      headings,
    }),
  );
}

/** Blocks of a plain text: one per paragraph (text between blank lines), lines kept. */
export function plainTextBlocks(text: string): DocumentBlock[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => ({ text: paragraph, headingPath: [] }));
}

/** Elements whose content is never text for a reader. */
const DROPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'head',
]);

function prune<T extends HastRoot | Element>(node: T): T {
  node.children = node.children.filter(
    (child: HastContent) =>
      !(child.type === 'element' && DROPPED.has(child.tagName)) && child.type !== 'comment',
  ) as T['children'];
  for (const child of node.children) if (child.type === 'element') prune(child);
  return node;
}

/** The Markdown tree of an HTML text (scripts, styles and embedded objects removed). */
export function htmlToMdast(html: string): Root {
  const hast = prune(fromHtml(html));
  return toMdast(hast) as Root;
}

/** Blocks of an HTML text. */
export function htmlBlocks(html: string): DocumentBlock[] {
  return blocksFromMdast(htmlToMdast(html));
}
