/**
 * Text formats: Markdown (mdast with GFM, the parser the checklists use;
 * YAML front matter is metadata, never text), plain text (paragraphs between
 * blank lines) and HTML (`hast-util-from-html` → `hast-util-to-mdast`;
 * scripts, styles and embedded objects are dropped before conversion, and
 * nothing is ever executed — the HTML is only parsed). Nesting depth is
 * checked before any recursive walk (see `limits.ts`).
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
import { parse as parseYaml } from 'yaml';
import type { DocumentBlock } from '../document-types.ts';
import { normalizeTables } from './html-tables.ts';
import { checkHtmlDepth, checkTreeDepth, DEFAULT_MAX_DEPTH, isStackOverflow, tooDeep } from './limits.ts';
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

/** Front matter is looked for only this far into the file. */
const FRONT_MATTER_MAX_CHARS = 64 * 1024;

/** What a Markdown file's front matter says, and the Markdown after it. */
export interface FrontMatter {
  /** The Markdown after the front matter (the whole text when there is none). */
  body: string;
  /** `title` of the front matter, when it is a non-empty string. */
  title?: string;
  /** Set when a front matter block was found but is not valid YAML (it is dropped all the same). */
  warning?: string;
}

/**
 * Splits YAML front matter (`---` on the first line, up to a line `---` or
 * `...`) or TOML front matter (`+++` … `+++`) from the Markdown after it, as
 * static site generators, Obsidian and GitHub read it. The block is metadata:
 * it never becomes text; its `title` is kept.
 */
export function splitFrontMatter(text: string): FrontMatter {
  const open = /^\uFEFF?(---|\+\+\+)[ \t]*\r?\n/.exec(text);
  if (!open) return { body: text };
  const fence = open[1] as string;
  const close = new RegExp(
    `^(?:${fence === '---' ? '---|\\.\\.\\.' : '\\+\\+\\+'})[ \\t]*(?:\\r?\\n|$)`,
    'm',
  );
  const rest = text.slice(open[0].length, open[0].length + FRONT_MATTER_MAX_CHARS);
  const end = close.exec(rest);
  if (!end) return { body: text };
  const raw = rest.slice(0, end.index);
  const body = text.slice(open[0].length + end.index + end[0].length);
  if (fence === '+++') {
    const title = /^title\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*$/m.exec(raw);
    const value = (title?.[1] ?? title?.[2])?.trim();
    return value ? { body, title: value } : { body };
  }
  try {
    const data: unknown = parseYaml(raw, { maxAliasCount: 50, prettyErrors: false });
    const title = typeof data === 'object' && data !== null ? (data as { title?: unknown }).title : undefined;
    const value = typeof title === 'string' ? title.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
    return value ? { body, title: value } : { body };
  } catch (error) {
    return {
      body,
      warning: `The front matter is not valid YAML and was skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    };
  }
}

/** Blocks of a Markdown text (parsed in parts, headings carried from part to part); front matter is not text. */
export function markdownBlocks(text: string, maxDepth = DEFAULT_MAX_DEPTH): DocumentBlock[] {
  const headings: HeadingStack = [];
  const { body } = splitFrontMatter(text);
  try {
    return markdownParts(body).flatMap((part) => {
      const tree = fromMarkdown(part, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
      checkTreeDepth(tree, maxDepth);
      return blocksFromMdast(tree, { headings });
    });
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep(maxDepth);
    throw error;
  }
}

/**
 * Blocks of a plain text: one per paragraph (text between blank lines), lines
 * kept. One pass over the lines (no whole-text regular expression).
 */
export function plainTextBlocks(text: string): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const joined = paragraph.join('\n').trim();
    if (joined) blocks.push({ text: joined, headingPath: [] });
    paragraph = [];
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    const parts = line.split('\r'); // old Mac line ends
    for (const part of parts) {
      if (part.trim() === '') flush();
      else paragraph.push(part);
    }
    start = end + 1;
  }
  flush();
  return blocks;
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

/**
 * The Markdown tree of an HTML text (scripts, styles and embedded objects
 * removed). Fails `too_large` when it nests deeper than `maxDepth`.
 */
export function htmlToMdast(html: string, maxDepth = DEFAULT_MAX_DEPTH): Root {
  checkHtmlDepth(html, maxDepth);
  try {
    const hast = fromHtml(html);
    checkTreeDepth(hast, maxDepth + 8);
    const pruned = prune(hast);
    normalizeTables(pruned);
    return toMdast(pruned) as Root;
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep(maxDepth);
    throw error;
  }
}

/** Blocks of an HTML text. */
export function htmlBlocks(html: string, maxDepth = DEFAULT_MAX_DEPTH): DocumentBlock[] {
  const tree = htmlToMdast(html, maxDepth);
  try {
    return blocksFromMdast(tree);
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep(maxDepth);
    throw error;
  }
}
