import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DocumentKind } from '../../../shared/documents/document-types.ts';
import { type ParseLimits, parseDocument } from '../../../shared/documents/parse/index.ts';
import { buildDocx, tableXml } from '../../support/documents/docx-builder.ts';
import { buildPdf } from '../../support/documents/pdf-builder.ts';

// Issue 28, Documents: real-world inputs that were read wrong.
const limits: ParseLimits = { maxBytes: 10 * 1024 * 1024, maxCsvRows: 1_000 };
const parse = (kind: DocumentKind, bytes: Buffer | string) =>
  parseDocument(kind, async () => Readable.from([Buffer.from(bytes)]), limits);
const textOf = (blocks: { text: string }[]) => blocks.map((b) => b.text).join('\n');

describe('Markdown front matter', () => {
  it('is metadata: never text or a heading; its title is the document title', async () => {
    const md = `---
title: "Refunds: rules for support"
tags: [billing, support]
owner: finance
---
# Scope

Refunds are issued within 14 days.
`;
    const parsed = await parse('markdown', md);
    expect(parsed.title).toBe('Refunds: rules for support');
    expect(parsed.blocks).toEqual([{ text: 'Refunds are issued within 14 days.', headingPath: ['Scope'] }]);
    expect(textOf(parsed.blocks)).not.toMatch(/tags|owner|finance/);
  });

  it('reads TOML front matter and `...` as the YAML end, and drops invalid YAML with a warning', async () => {
    const toml = await parse(
      'markdown',
      '+++\ntitle = "Exports"\ndraft = false\n+++\nCSV exports are daily.\n',
    );
    expect(toml.title).toBe('Exports');
    expect(textOf(toml.blocks)).toBe('CSV exports are daily.');
    const dots = await parse('markdown', '---\nauthor: ana\n...\nBody text.\n');
    expect(dots.title).toBeUndefined();
    expect(textOf(dots.blocks)).toBe('Body text.');
    const broken = await parse('markdown', '---\ntitle: [unclosed\n  - x: : y\n---\nStill read.\n');
    expect(textOf(broken.blocks)).toBe('Still read.');
    expect(broken.warnings?.[0]).toMatch(/front matter is not valid YAML/);
  });

  it('leaves a thematic break that opens no front matter alone', async () => {
    const { blocks, title } = await parse('markdown', '---\n\nJust a rule above this line.\n');
    expect(title).toBeUndefined();
    expect(textOf(blocks)).toBe('Just a rule above this line.');
  });
});

describe('PDF de-hyphenation', () => {
  it('joins a word hyphenated at a line break, never a hyphen inside a line', async () => {
    const pdf = buildPdf([
      {
        lines: [
          'Checks cover pre- and post-conditions of each require-',
          'ment, and self- or peer-review of the test-',
          'Plan; non- English text stays.',
        ],
      },
    ]);
    const text = textOf((await parse('pdf', pdf)).blocks);
    expect(text).toContain('pre- and post-conditions');
    expect(text).toContain('requirement,');
    expect(text).toContain('self- or peer-review');
    expect(text).toContain('test- Plan'); // an upper-case start is a new word, not the rest of one
    expect(text).toContain('non- English');
  });
});

describe('DOCX tables', () => {
  const docx = buildDocx([
    { text: 'Scope', heading: 1 },
    {
      xml: tableXml([
        [['Area'], ['Rule']],
        [['Projects'], ['Applies to all projects', 'No exceptions.']],
        [
          ['Nested'],
          {
            table: [
              [['Owner'], ['Team']],
              [['QA lead'], ['Platform', 'Mobile']],
            ],
          },
        ],
        [['Tabs & breaks'], ['line one\tafter a tab', 'A & B <tag>']],
      ]),
    },
    {
      xml: tableXml([
        [['Code'], ['Meaning']],
        [['E1'], ['Timeout']],
      ]),
    },
  ]);

  it('keeps a separator between the paragraphs of a cell and makes nested tables readable text', async () => {
    const text = textOf((await parse('docx', docx)).blocks);
    expect(text).toContain('Applies to all projects; No exceptions.');
    expect(text).toContain('Owner / Team; QA lead / Platform; Mobile');
    expect(text).toContain('A & B <tag>');
    expect(text).not.toMatch(/&#x?[0-9a-f]+;|&amp;|&lt;/i);
  });

  it('takes the first row as the header instead of inventing an empty one', async () => {
    const { blocks } = await parse('docx', docx);
    const tables = blocks.filter((b) => b.text.startsWith('|'));
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      const [header] = table.text.split('\n');
      expect(header).toMatch(/\|\s*\S/);
    }
    expect(tables[1]?.text.split('\n')[0]).toMatch(/^\| Code +\| Meaning +\|$/);
  });

  it('never stores character references from HTML either', async () => {
    const html =
      '<table><tr><td><p>One</p><p>Two</p></td><td><table><tr><td>in</td><td>ner</td></tr></table></td></tr></table>';
    const text = textOf((await parse('html', html)).blocks);
    expect(text).not.toMatch(/&#x?[0-9a-f]+;/i);
    expect(text).toContain('One; Two');
    expect(text).toContain('in / ner');
  });
});

describe('CSV stray quote', () => {
  it('is read as Excel and Python csv read it — the quote taken literally — with a warning naming the line', async () => {
    const csv = 'item,description\npizza,a 12" pizza\nsub,"a 6"" sub"\nwrap,"a 10" wrap"\n';
    const parsed = await parse('csv', csv);
    expect(parsed.blocks.map((b) => b.text)).toEqual([
      'item: pizza; description: a 12" pizza',
      'item: sub; description: a 6" sub',
      'item: wrap; description: "a 10" wrap"',
    ]);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings?.[0]).toMatch(/stray quote on line 2/);
  });

  it('adds no warning to a well-quoted file', async () => {
    const parsed = await parse('csv', 'a,b\n"x, y","he said ""hi"""\n');
    expect(parsed.warnings).toBeUndefined();
    expect(parsed.blocks[0]?.text).toBe('a: x, y; b: he said "hi"');
  });
});
