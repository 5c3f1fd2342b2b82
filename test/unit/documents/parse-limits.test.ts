import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DocumentFailure, type DocumentKind } from '../../../shared/documents/document-types.ts';
import { type ParseLimits, parseDocument } from '../../../shared/documents/parse/index.ts';
import { checkHtmlDepth } from '../../../shared/documents/parse/limits.ts';
import { buildDocx } from '../../support/documents/docx-builder.ts';
import { buildPdf } from '../../support/documents/pdf-builder.ts';

// Issue 27: hostile inputs end as `failed` with `too_large` and a message a person understands,
// at small sizes here (the heavy ones run in `npm run bench documents`).
const limits: ParseLimits = { maxBytes: 20 * 1024 * 1024, maxCsvRows: 10_000 };
const parse = (kind: DocumentKind, bytes: Buffer | string, extra: Partial<ParseLimits> = {}) =>
  parseDocument(kind, async () => Readable.from([Buffer.from(bytes)]), { ...limits, ...extra });

async function failureOf(promise: Promise<unknown>): Promise<DocumentFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentFailure);
  return error as DocumentFailure;
}

describe('nesting depth', () => {
  it('refuses deeply nested HTML before any recursive walk (it overflowed the stack and stayed processing)', async () => {
    for (const tag of ['div', 'span', 'blockquote', 'b']) {
      const html = `<p>Intro</p>${`<${tag}>`.repeat(200_000)}deep`;
      const failure = await failureOf(parse('html', html));
      expect(failure.reason).toBe('too_large');
      expect(failure.message).toMatch(/nests .* more than 400 levels deep/);
    }
    // Just as deep with its end tags, or a list nested by indentation in Markdown.
    const closed = `${'<div>'.repeat(5_000)}x${'</div>'.repeat(5_000)}`;
    expect((await failureOf(parse('html', closed))).reason).toBe('too_large');
    const quotes = `${'>'.repeat(20_000)} deep\n`;
    expect((await failureOf(parse('markdown', quotes))).reason).toBe('too_large');
  });

  it('lets real pages through: unclosed paragraphs and list items, scripts holding tags, comments', async () => {
    const sloppy = `${'<p>para <li>item '.repeat(3_000)}<script>${'"<div>"+'.repeat(1_000)}1</script><!-- ${'<div>'.repeat(1_000)} -->`;
    expect(() => checkHtmlDepth(sloppy, 50)).not.toThrow();
    const { blocks } = await parse(
      'html',
      `${'<div>'.repeat(40)}<p>Nested but fine.</p>${'</div>'.repeat(40)}`,
    );
    expect(blocks.map((b) => b.text)).toEqual(['Nested but fine.']);
  });
});

describe('characters of text', () => {
  it('refuses a DOCX of one repeated word from its XML, before mammoth reads it', async () => {
    const docx = buildDocx(Array.from({ length: 40 }, () => ({ text: 'word '.repeat(2_000) })));
    const failure = await failureOf(parse('docx', docx, { maxTextChars: 100_000 }));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toContain('more than 100,000 characters of text');
    // Under the cap it is read.
    expect((await parse('docx', docx, { maxTextChars: 1_000_000 })).blocks).toHaveLength(40);
  });

  it('caps plain text, Markdown, HTML, CSV and PDF text the same way', async () => {
    const para = 'The export lists every order. '.repeat(20);
    const text = `${para}\n\n`.repeat(50);
    for (const [kind, body] of [
      ['text', text],
      ['markdown', text],
      ['html', `<p>${para}</p>`.repeat(50)],
      ['csv', `id,text\n${Array.from({ length: 50 }, (_, i) => `${i},"${para}"`).join('\n')}`],
    ] as const) {
      const failure = await failureOf(parse(kind, body, { maxTextChars: 10_000 }));
      expect(failure.reason, kind).toBe('too_large');
      expect(failure.message, kind).toContain('ASSAY_DOCUMENT_MAX_TEXT_CHARS');
    }
    const pdf = buildPdf(Array.from({ length: 5 }, () => ({ lines: Array(40).fill(para.slice(0, 90)) })));
    expect((await failureOf(parse('pdf', pdf, { maxTextChars: 5_000 }))).reason).toBe('too_large');
  });

  it('refuses a CSV row longer than a million characters (a quote left open swallowing the file)', async () => {
    const csv = `a,b\n1,"${'x'.repeat(1_100_000)}`;
    const failure = await failureOf(parse('csv', csv));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toMatch(/row of the CSV is longer/);
  });
});

describe('pages', () => {
  it('refuses a PDF with more pages than the cap before reading any page', async () => {
    const pdf = buildPdf(Array.from({ length: 30 }, (_, i) => ({ lines: [`Page ${i}`] })));
    const failure = await failureOf(parse('pdf', pdf, { maxPages: 25 }));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toBe(
      'The PDF has 30 pages; the limit is 25 (ASSAY_DOCUMENT_MAX_PAGES): split it into smaller documents',
    );
    expect((await parse('pdf', pdf, { maxPages: 30 })).pageCount).toBe(30);
  });
});
