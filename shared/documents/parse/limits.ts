/**
 * The caps every parse runs under (issue 27): pages, uncompressed bytes,
 * nesting depth and characters of text. Each is checked as early as the
 * format allows — before a tree is built or a whole-text operation runs —
 * and ends the document as `too_large` with a message naming the cap, so a
 * hostile file costs bounded time and memory even before the isolated
 * parser's memory ceiling and time limit (`isolated.ts`) apply.
 *
 * @module
 */
import { DocumentFailure } from '../document-types.ts';

/** Pages a PDF may have (`ASSAY_DOCUMENT_MAX_PAGES`). */
export const DEFAULT_MAX_PAGES = 2_000;
/** Characters of text a document may hold (`ASSAY_DOCUMENT_MAX_TEXT_CHARS`): about 1,500 dense pages. */
export const DEFAULT_MAX_TEXT_CHARS = 5_000_000;
/** Levels of nesting (elements, quotes, lists) a document may have. */
export const DEFAULT_MAX_DEPTH = 400;

const count = (n: number) => n.toLocaleString('en-US');

/** A running count of characters of text, failing `too_large` past `max`. */
export class TextBudget {
  private used = 0;
  constructor(readonly max: number) {}

  /** Adds `chars`; throws once the total is past the cap. */
  add(chars: number): void {
    this.used += chars;
    if (this.used > this.max) throw tooMuchText(this.max);
  }

  /** Characters counted so far. */
  get total(): number {
    return this.used;
  }
}

/** The failure of a document with more than `max` characters of text. */
export function tooMuchText(max: number): DocumentFailure {
  return new DocumentFailure(
    'too_large',
    `The document holds more than ${count(max)} characters of text (ASSAY_DOCUMENT_MAX_TEXT_CHARS); split it into smaller documents`,
  );
}

/** The failure of a document nested deeper than `max` levels. */
export function tooDeep(max: number, what = 'elements'): DocumentFailure {
  return new DocumentFailure(
    'too_large',
    `The document nests ${what} more than ${count(max)} levels deep; no real document does, so it is refused`,
  );
}

/** The failure of a PDF with `pages` pages when `max` are allowed. */
export function tooManyPages(pages: number, max: number): DocumentFailure {
  return new DocumentFailure(
    'too_large',
    `The PDF has ${count(pages)} pages; the limit is ${count(max)} (ASSAY_DOCUMENT_MAX_PAGES): split it into smaller documents`,
  );
}

/** Any unist node (hast, mdast): only `children` is read. */
interface TreeNode {
  type: string;
  children?: readonly TreeNode[];
}

/**
 * Throws {@link tooDeep} when `root` (a hast or mdast tree) is deeper than
 * `max`. Walks with an explicit stack, so it never overflows itself; call it
 * before any recursive walk of a tree built from untrusted input.
 */
export function checkTreeDepth(root: TreeNode, max: number): void {
  const stack: [TreeNode, number][] = [[root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > max) throw tooDeep(max);
    for (const child of node.children ?? []) if ('children' in child) stack.push([child, depth + 1]);
  }
}

/** HTML elements whose end tag may be left out (the parser closes them): not counted as nesting. */
const OPTIONAL_END = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'thead',
  'tbody',
  'tfoot',
  'colgroup',
  'caption',
  'rt',
  'rp',
  'html',
  'head',
  'body',
]);
const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'plaintext',
]);
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/**
 * Throws {@link tooDeep} when the HTML opens more than `max` elements without
 * closing them, scanning the tags once (no tree is built): the tree builders
 * and converters after it recurse per level, and a 200,000-deep document
 * overflowed their stack. Elements with optional end tags and void elements
 * are not counted, so well-formed and sloppy real pages both pass.
 */
export function checkHtmlDepth(html: string, max: number): void {
  let depth = 0;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/y;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
    if (html.startsWith('<!--', at)) {
      const end = html.indexOf('-->', at + 4);
      if (end < 0) return;
      at = end;
      continue;
    }
    tag.lastIndex = at;
    const match = tag.exec(html);
    if (!match) continue;
    const name = (match[2] as string).toLowerCase();
    if (!match[1] && RAW_TEXT.has(name)) {
      // Script and style content is text to the parser, not tags.
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = tag.lastIndex;
      const end = close.exec(html);
      if (!end) return;
      at = end.index;
      continue;
    }
    if (VOID.has(name) || OPTIONAL_END.has(name) || match[3]) continue;
    if (match[1]) depth = Math.max(0, depth - 1);
    else if (++depth > max) throw tooDeep(max);
  }
}

/** True for V8's stack overflow (a `RangeError`): a tree deeper than a recursive walker copes with. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
