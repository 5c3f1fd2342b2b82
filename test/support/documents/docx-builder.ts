import { strToU8, zipSync } from 'fflate';

/** A paragraph of a test DOCX: `heading` 1–3 makes it a heading, `bullet` a list item. */
export interface DocxParagraph {
  text: string;
  heading?: 1 | 2 | 3;
  bullet?: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`;

const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
${[1, 2, 3].map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/></w:style>`).join('\n')}
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/></w:style>
</w:styles>`;

function paragraphXml(p: DocxParagraph): string {
  const style = p.heading ? `Heading${p.heading}` : p.bullet ? 'ListBullet' : undefined;
  const props = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : '';
  return `<w:p>${props}<w:r><w:t xml:space="preserve">${escapeXml(p.text)}</w:t></w:r></w:p>`;
}

/** A table cell: its paragraphs, or a nested table. */
export type DocxCell = string[] | { table: DocxCell[][] };

/** The WordprocessingML of a table (rows of cells; a cell holds paragraphs or a nested table). */
export function tableXml(rows: readonly DocxCell[][]): string {
  const cell = (c: DocxCell) =>
    `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>${
      Array.isArray(c) ? c.map((text) => paragraphXml({ text })).join('') : `${tableXml(c.table)}<w:p/>`
    }</w:tc>`;
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows
    .map((row) => `<w:tr>${row.map(cell).join('')}</w:tr>`)
    .join('')}</w:tbl>`;
}

/** One body element of a test DOCX: a paragraph, or raw WordprocessingML (a table from {@link tableXml}). */
export type DocxBodyPart = DocxParagraph | { xml: string };

/** A minimal but real DOCX (what Word writes, less the optional parts). `extra` adds entries to the archive. */
export function buildDocx(
  paragraphs: readonly DocxBodyPart[],
  extra: Record<string, Uint8Array> = {},
): Buffer {
  const parts = paragraphs.map((p) => ('xml' in p ? p.xml : paragraphXml(p))).join('');
  const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${parts}</w:body></w:document>`;
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(CONTENT_TYPES),
      '_rels/.rels': strToU8(RELS),
      'word/_rels/document.xml.rels': strToU8(DOCUMENT_RELS),
      'word/styles.xml': strToU8(STYLES),
      'word/document.xml': strToU8(body),
      ...extra,
    }),
  );
}

/** A zip bomb shaped like a DOCX: a valid document plus an entry of `megabytes` MB of zeros, deflated to a few KB per MB. */
export function buildDocxBomb(megabytes: number): Buffer {
  return buildDocx([{ text: 'Looks harmless' }], {
    'word/media/padding.bin': new Uint8Array(megabytes * 1024 * 1024),
  });
}
