/**
 * Builds small, valid PDF files for tests and benchmarks: one Helvetica text
 * page per entry, each line a text-showing operator, with a correct xref table.
 * `encrypted` adds a standard security handler whose user password is not
 * empty (readers then ask for a password).
 */
export interface PdfPage {
  /** Lines of text; a line starting with `# ` is drawn larger, like a heading. */
  lines: string[];
}

function escapePdfText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
}

function pageContent(page: PdfPage): string {
  const ops: string[] = ['BT', '/F1 11 Tf', '14 TL', '56 790 Td'];
  for (const line of page.lines) {
    if (line.startsWith('# ')) ops.push('/F1 16 Tf', `(${escapePdfText(line.slice(2))}) Tj T*`, '/F1 11 Tf');
    else ops.push(`(${escapePdfText(line)}) Tj T*`);
  }
  ops.push('ET');
  return ops.join('\n');
}

/** A PDF of `pages` as bytes. */
export function buildPdf(pages: readonly PdfPage[], options: { encrypted?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (const page of pages) {
    const content = pageContent(page);
    const stream = add(
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] =
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let encrypt: number | undefined;
  if (options.encrypted) {
    const hex = (byte: number) => `<${byte.toString(16).padStart(2, '0').repeat(32)}>`;
    encrypt = add(`<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O ${hex(0xab)} /U ${hex(0xcd)} >>`);
  }
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const id = '<0123456789abcdef0123456789abcdef>';
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /ID [${id} ${id}]${encrypt ? ` /Encrypt ${encrypt} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
