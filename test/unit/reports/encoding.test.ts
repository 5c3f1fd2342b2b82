import { describe, expect, it } from 'vitest';
import { detectReportKind } from '../../../scripts/cli/report-command.ts';
import { parseCodeHealth } from '../../../shared/reports/code-health/index.ts';
import { decodeReport, detectEncoding } from '../../../shared/reports/encoding.ts';
import { parseJUnit } from '../../../shared/reports/junit/index.ts';
import { utf16 } from '../../support/encodings.ts';

const XML =
  '<?xml version="1.0" encoding="UTF-16"?>\n<testsuite name="s"><testcase name="T1::é ünïcode"/></testsuite>';
const BARE_XML = '\n\t <testsuite name="s"><testcase name="T1::é ünïcode"/></testsuite>';
const JSON_REPORT = '{"findings":[{"rule":"r","severity":"high","message":"ünïcode"}]}';

const encodings = [
  ['UTF-8', (t: string) => Buffer.from(t)],
  ['UTF-8 with BOM', (t: string) => Buffer.from(`\ufeff${t}`)],
  ['UTF-16LE with BOM', (t: string) => utf16(t, 'le', true)],
  ['UTF-16BE with BOM', (t: string) => utf16(t, 'be', true)],
  ['UTF-16LE without BOM', (t: string) => utf16(t, 'le', false)],
  ['UTF-16BE without BOM', (t: string) => utf16(t, 'be', false)],
] as const;

describe('one encoding detection for the consumer and the CLI', () => {
  it.each([
    [[0xef, 0xbb, 0xbf, 0x3c], 'utf-8', 'bom'],
    [[0xff, 0xfe, 0x3c, 0x00], 'utf-16le', 'bom'],
    [[0xfe, 0xff, 0x00, 0x3c], 'utf-16be', 'bom'],
    [[0x00, 0x3c, 0x00, 0x3f], 'utf-16be', 'pattern'],
    [[0x3c, 0x00, 0x3f, 0x00], 'utf-16le', 'pattern'],
    [[0x00, 0x7b, 0x00, 0x22], 'utf-16be', 'pattern'],
    [[0x00, 0x0a, 0x00, 0x3c], 'utf-16be', 'pattern'],
    [[0xff, 0xfe, 0x00, 0x00], 'utf-32le', 'bom'],
    [[0x00, 0x00, 0x00, 0x3c], 'utf-32be', 'pattern'],
    [[0x3c, 0x74, 0x65, 0x73], 'utf-8', 'default'],
  ])('%j → %s (%s)', (bytes, label, from) => {
    expect(detectEncoding(Uint8Array.from(bytes))).toEqual({ label, from });
  });

  it('reads a declared 8-bit encoding, after leading whitespace too, and ignores a declared UTF-16 in ASCII bytes', () => {
    const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a/>');
    expect(detectEncoding(latin)).toEqual({ label: 'ISO-8859-1', from: 'declaration' });
    expect(detectEncoding(Buffer.from(`  \n${latin}`))).toMatchObject({ label: 'ISO-8859-1' });
    expect(detectEncoding(Buffer.from(XML))).toEqual({ label: 'utf-8', from: 'default' });
  });

  it.each(encodings)(
    '%s: JUnit and code-health bytes read the same in the consumer and the CLI',
    async (_, encode) => {
      for (const xml of [XML, BARE_XML]) {
        const bytes = encode(xml);
        expect(detectReportKind(bytes)).toBe('junit');
        const names: string[] = [];
        const result = await parseJUnit(bytes, { onTestCase: (t) => void names.push(t.name) });
        expect(result).toMatchObject({ valid: true, tests: 1 });
        expect(names).toEqual(['T1::é ünïcode']);
      }
      const json = encode(JSON_REPORT);
      expect(detectReportKind(json)).toBe('code-health');
      expect(decodeReport(json)).toBe(JSON_REPORT);
      const health = parseCodeHealth(json);
      expect(health).toMatchObject({ valid: true, findings: [{ message: 'ünïcode' }] });
    },
  );

  it('refuses UTF-32 with the same reason in both, and tells empty and unknown files apart', async () => {
    const utf32 = Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]);
    expect(detectReportKind(utf32)).toEqual({ unsupported: 'unsupported encoding: UTF-32' });
    expect(await parseJUnit(utf32)).toMatchObject({ valid: false, reason: 'unsupported encoding: UTF-32' });
    expect(parseCodeHealth(utf32)).toEqual({ valid: false, reason: 'unsupported encoding: UTF-32' });
    expect(detectReportKind(Buffer.from(''))).toBe('empty');
    expect(detectReportKind(utf16('  \n', 'le', true))).toBe('empty');
    expect(detectReportKind(Buffer.from('\ufeff plain text'))).toBe('unknown');
    expect(parseCodeHealth(utf16('   ', 'be', true))).toEqual({ valid: false, reason: 'empty file' });
  });
});
