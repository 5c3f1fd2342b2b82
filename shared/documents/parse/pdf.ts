/**
 * PDF with `unpdf` (a serverless build of Mozilla's pdf.js; no native code).
 * Pages are read one at a time and released; text items become lines, lines
 * become paragraphs where the vertical gap is larger than a line, and lines
 * set clearly larger than the body text (and short) become headings, ranked by
 * size. A word hyphenated at the end of a line is joined with the next line's
 * start (`require-` + `ments`), and only there: a hyphen inside a line
 * (`pre- and post-conditions`) stays. A password-protected PDF fails as
 * `encrypted`, anything pdf.js cannot read as `corrupt`; a PDF with pages but
 * no text (a scan) is `empty`; more pages than the page cap or more text than
 * the text cap is `too_large`, checked before the pages are read (pages) and
 * page by page (text).
 *
 * @module
 */
import { getDocumentProxy } from 'unpdf';
import { type DocumentBlock, DocumentFailure, type ParsedDocument } from '../document-types.ts';
import { describeMagic, looksLikePdf } from './bytes.ts';
import { type TextBudget, tooManyPages } from './limits.ts';

interface Line {
  page: number;
  text: string;
  height: number;
  /** Vertical distance from the previous line on the page (0 for the first). */
  gap: number;
}

interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  height: number;
  transform: number[];
}

function isTextItem(item: unknown): item is PdfTextItem {
  return typeof item === 'object' && item !== null && 'str' in item && 'transform' in item;
}

/** `text` with runs of whitespace made one space, trimmed (one pass, no regular expression). */
function collapseSpaces(text: string): string {
  let out = '';
  let space = false;
  for (const char of text) {
    if (/\s/.test(char)) space = out.length > 0;
    else {
      if (space) out += ' ';
      out += char;
      space = false;
    }
  }
  return out;
}

/**
 * The lines of a paragraph as one text: a line ending in a letter and a
 * hyphen followed by a line starting with a lower-case letter is a word
 * hyphenated at the line break, joined without the hyphen; every other line
 * break becomes a space. Hyphens inside a line are never touched.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (out === '') out = line;
    else if (/\p{L}-$/u.test(out.slice(-2)) && /^\p{Ll}/u.test(line)) out = out.slice(0, -1) + line;
    else out += ` ${line}`;
  }
  return out;
}

function linesOf(items: readonly unknown[], page: number): Line[] {
  const lines: Line[] = [];
  let text = '';
  let height = 0;
  let y: number | undefined;
  let previousY: number | undefined;
  const flush = () => {
    const clean = collapseSpaces(text);
    if (clean && y !== undefined) {
      lines.push({ page, text: clean, height, gap: previousY === undefined ? 0 : Math.abs(previousY - y) });
      previousY = y;
    }
    text = '';
    height = 0;
    y = undefined;
  };
  for (const item of items) {
    if (!isTextItem(item)) continue;
    if (item.str) {
      y ??= item.transform[5];
      height = Math.max(height, item.height);
      text += item.str;
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

/** The body text size: the height carrying the most characters. */
function bodyHeight(lines: readonly Line[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const h = Math.round(line.height * 2) / 2;
    weight.set(h, (weight.get(h) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [h, w] of weight) {
    if (w > bestWeight) {
      best = h;
      bestWeight = w;
    }
  }
  return best;
}

function blocksOf(lines: readonly Line[]): DocumentBlock[] {
  const body = bodyHeight(lines);
  const isHeading = (line: Line) => body > 0 && line.height >= body * 1.2 && line.text.length <= 150;
  const sizes = [...new Set(lines.filter(isHeading).map((l) => Math.round(l.height * 2) / 2))].sort(
    (a, b) => b - a,
  );
  const stack: { depth: number; text: string }[] = [];
  const blocks: DocumentBlock[] = [];
  let paragraph: string[] = [];
  let paragraphPage = 1;
  const flush = () => {
    if (paragraph.length > 0) {
      const text = joinLines(paragraph);
      blocks.push({ text, headingPath: stack.map((h) => h.text), page: paragraphPage });
    }
    paragraph = [];
  };
  let previous: Line | undefined;
  for (const line of lines) {
    if (isHeading(line)) {
      flush();
      const depth = sizes.indexOf(Math.round(line.height * 2) / 2) + 1;
      const last = stack.at(-1);
      // A heading set over two lines continues the previous heading.
      if (previous && isHeading(previous) && last && last.depth === depth && previous.page === line.page) {
        last.text = `${last.text} ${line.text}`;
      } else {
        while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= depth) stack.pop();
        stack.push({ depth, text: line.text });
      }
    } else {
      const newParagraph =
        paragraph.length === 0 ||
        previous?.page !== line.page ||
        line.gap > Math.max(line.height, body) * 1.5;
      if (newParagraph) {
        flush();
        paragraphPage = line.page;
      }
      paragraph.push(line.text);
    }
    previous = line;
  }
  flush();
  return blocks;
}

function pdfFailure(error: unknown): DocumentFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new DocumentFailure(
      'encrypted',
      'The PDF is password-protected; remove the password and upload it again',
      {
        cause: error,
      },
    );
  }
  return new DocumentFailure(
    'corrupt',
    `The PDF could not be read: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/** Parses a PDF's text, page by page, within `maxPages` pages and the text `budget`. */
export async function parsePdf(
  bytes: Uint8Array,
  caps: { maxPages: number; budget: TextBudget },
): Promise<ParsedDocument> {
  if (!looksLikePdf(bytes)) {
    const magic = describeMagic(bytes);
    throw new DocumentFailure(
      'corrupt',
      `The file was uploaded as a PDF but its bytes are ${magic ?? 'not a PDF'}`,
    );
  }
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(bytes, { verbosity: 0, disableFontFace: true });
  } catch (error) {
    throw pdfFailure(error);
  }
  try {
    if (pdf.numPages > caps.maxPages) throw tooManyPages(pdf.numPages, caps.maxPages);
    const lines: Line[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      for (const line of linesOf(content.items, number)) {
        caps.budget.add(line.text.length + 1);
        lines.push(line);
      }
      page.cleanup();
    }
    return { blocks: blocksOf(lines), pageCount: pdf.numPages };
  } catch (error) {
    if (error instanceof DocumentFailure) throw error;
    throw pdfFailure(error);
  } finally {
    await pdf.loadingTask.destroy();
  }
}
