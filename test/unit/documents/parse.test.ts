import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DocumentFailure, type DocumentKind } from '../../../shared/documents/document-types.ts';
import { parseDocument } from '../../../shared/documents/parse/index.ts';
import { buildDocx, buildDocxBomb } from '../../support/documents/docx-builder.ts';
import { buildPdf } from '../../support/documents/pdf-builder.ts';

const limits = { maxBytes: 10 * 1024 * 1024, maxCsvRows: 1000 };
const parse = (
  kind: DocumentKind,
  bytes: Buffer | string,
  extra: Partial<typeof limits> & { maxDocxUncompressedBytes?: number } = {},
) => parseDocument(kind, async () => Readable.from([Buffer.from(bytes)]), { ...limits, ...extra });

async function failureOf(promise: Promise<unknown>): Promise<DocumentFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentFailure);
  return error as DocumentFailure;
}

describe('Markdown', () => {
  it('keeps the heading path of every block and each list item whole', async () => {
    const md =
      '# Login\n\nUsers sign in with email.\n\n## Lockout\n\n- After five failures\n  the account locks.\n- An admin unlocks it.\n\n# Billing\n\nInvoices are monthly.\n';
    const { blocks } = await parse('markdown', md);
    expect(blocks).toEqual([
      { text: 'Users sign in with email.', headingPath: ['Login'] },
      { text: '- After five failures\n  the account locks.', headingPath: ['Login', 'Lockout'] },
      { text: '- An admin unlocks it.', headingPath: ['Login', 'Lockout'] },
      { text: 'Invoices are monthly.', headingPath: ['Billing'] },
    ]);
  });
});

describe('long Markdown', () => {
  it('is parsed in parts split before headings outside code fences, to the same blocks as one parse', async () => {
    const { fromMarkdown } = await import('mdast-util-from-markdown');
    const { gfm } = await import('micromark-extension-gfm');
    const { gfmFromMarkdown } = await import('mdast-util-gfm');
    const { blocksFromMdast } = await import('../../../shared/documents/parse/mdast-blocks.ts');
    const { markdownParts } = await import('../../../shared/documents/parse/text-formats.ts');
    let md = '# Spec\n\n';
    for (let i = 0; i < 450; i++) {
      md += `## Rule ${i}\n\nText of rule ${i}.\n\n\`\`\`\n# not a heading ${i}\n\`\`\`\n\n- item ${i}\n\n`;
    }
    expect(markdownParts(md).length).toBeGreaterThan(1);
    expect(markdownParts(md).join('')).toBe(md);
    const whole = blocksFromMdast(
      fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }),
    );
    const { blocks } = await parse('markdown', md);
    expect(blocks).toEqual(whole);
  });
});

describe('HTML', () => {
  it('keeps text, headings and tables; scripts, styles and handlers never become text', async () => {
    const html = `<!doctype html><html><head><title>T</title><style>p{color:red}</style>
      <script>globalThis.pwned = true; document.write('SCRIPT TEXT')</script></head>
      <body onload="globalThis.pwned = true"><h1>Checkout</h1><p>Pay with <b>card</b>.</p>
      <img src=x onerror="globalThis.pwned = true"><noscript>NOSCRIPT TEXT</noscript>
      <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>10</td></tr></table></body></html>`;
    const { blocks } = await parse('html', html);
    const all = blocks.map((b) => b.text).join('\n');
    expect(all).toContain('Pay with **card**.');
    expect(all).toMatch(/\| Plan \| Price \|/);
    expect(all).not.toMatch(/SCRIPT TEXT|NOSCRIPT|color:red|pwned/);
    expect(blocks.every((b) => b.headingPath[0] === 'Checkout')).toBe(true);
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
  });
});

describe('plain text', () => {
  it('splits paragraphs on blank lines and decodes UTF-8 with a BOM and Windows-1252', async () => {
    expect(
      (await parse('text', '\ufeffFirst line\nsame para\n\n\nSecond')).blocks.map((b) => b.text),
    ).toEqual(['First line\nsame para', 'Second']);
    expect((await parse('text', Buffer.from([0x63, 0x61, 0x66, 0xe9]))).blocks[0]?.text).toBe('café');
  });

  it('refuses binary bytes uploaded as text', async () => {
    const failure = await failureOf(parse('markdown', Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1')));
    expect(failure.reason).toBe('unsupported_type');
    expect(failure.message).toContain('Windows executable');
  });
});

describe('CSV', () => {
  it('turns each row into a record, with a BOM, quoted multi-line cells and ragged rows', async () => {
    const csv =
      '\ufeffid,title,notes\n1,Login,"first line\nsecond line"\n2,Logout\n3,Search,"has, comma",extra\n';
    const { blocks } = await parse('csv', csv);
    expect(blocks.map((b) => b.text)).toEqual([
      'id: 1; title: Login; notes: first line second line',
      'id: 2; title: Logout',
      'id: 3; title: Search; notes: has, comma; column 4: extra',
    ]);
  });

  it('stops at the row limit with too_large', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},row ${i}`).join('\n');
    const failure = await failureOf(parse('csv', `id,name\n${rows}`, { maxCsvRows: 20 }));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toContain('20');
  });

  it('reports unbalanced quotes as corrupt and a header alone as empty', async () => {
    expect((await failureOf(parse('csv', 'a,b\n1,"open\n'))).reason).toBe('corrupt');
    expect((await failureOf(parse('csv', 'a,b\n'))).reason).toBe('empty');
  });
});

describe('PDF', () => {
  it('reads text page by page, with headings from larger type and the page of each block', async () => {
    const pdf = buildPdf([
      {
        lines: ['# Password reset', 'A reset link is e-mailed to the user.', 'It expires after 30 minutes.'],
      },
      { lines: ['The link works once.', '', '# Sessions', 'Sessions end after 8 hours idle.'] },
    ]);
    const parsed = await parse('pdf', pdf);
    expect(parsed.pageCount).toBe(2);
    expect(parsed.blocks).toEqual([
      {
        text: 'A reset link is e-mailed to the user. It expires after 30 minutes.',
        headingPath: ['Password reset'],
        page: 1,
      },
      { text: 'The link works once.', headingPath: ['Password reset'], page: 2 },
      { text: 'Sessions end after 8 hours idle.', headingPath: ['Sessions'], page: 2 },
    ]);
  });

  it('tells encrypted, truncated, mislabelled and text-less PDFs apart', async () => {
    const pdf = buildPdf([{ lines: ['Hello'] }]);
    expect(
      (await failureOf(parse('pdf', buildPdf([{ lines: ['secret'] }], { encrypted: true })))).reason,
    ).toBe('encrypted');
    expect((await failureOf(parse('pdf', pdf.subarray(0, Math.floor(pdf.length / 3))))).reason).toBe(
      'corrupt',
    );
    const exe = await failureOf(
      parse('pdf', Buffer.from('MZ\x90\x00This program cannot be run in DOS mode', 'latin1')),
    );
    expect(exe.reason).toBe('corrupt');
    expect(exe.message).toContain('Windows executable');
    expect((await failureOf(parse('pdf', buildPdf([{ lines: [] }])))).reason).toBe('empty');
    expect((await failureOf(parse('pdf', Buffer.alloc(0)))).reason).toBe('empty');
  });
});

describe('DOCX', () => {
  it('keeps headings and list items', async () => {
    const docx = buildDocx([
      { text: 'Export', heading: 1 },
      { text: 'Reports export to CSV.' },
      { text: 'Limits', heading: 2 },
      { text: 'At most 10,000 rows', bullet: true },
    ]);
    const { blocks } = await parse('docx', docx);
    expect(blocks).toEqual([
      { text: 'Reports export to CSV.', headingPath: ['Export'] },
      { text: 'At most 10,000 rows', headingPath: ['Export', 'Limits'] },
    ]);
  });

  it('caps the uncompressed size (zip bomb) and refuses what is not a Word document', async () => {
    const bomb = buildDocxBomb(24);
    expect(bomb.length).toBeLessThan(200_000);
    const failure = await failureOf(parse('docx', bomb, { maxDocxUncompressedBytes: 8 * 1024 * 1024 }));
    expect(failure.reason).toBe('too_large');
    expect((await failureOf(parse('docx', Buffer.from('%PDF-1.7 not a zip')))).reason).toBe('corrupt');
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(100),
      Buffer.from('EncryptionInfo', 'utf16le'),
    ]);
    expect((await failureOf(parse('docx', ole))).reason).toBe('encrypted');
    const truncated = buildDocx([{ text: 'x' }]).subarray(0, 300);
    expect((await failureOf(parse('docx', truncated))).reason).toBe('corrupt');
  });
});
