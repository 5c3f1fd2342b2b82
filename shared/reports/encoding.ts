/**
 * The one encoding detection for uploaded reports (JUnit XML and code-health
 * JSON), used by the report consumer and by `assay report` alike, so the CLI
 * accepts exactly the files the consumer accepts.
 *
 * @module
 */
import { TextDecoder } from 'node:util';
import { InvalidReportError } from './junit/invalid.ts';

/** How many leading bytes {@link detectEncoding} looks at (enough for an XML declaration). */
export const SNIFF_BYTES = 1024;

const latin1 = new TextDecoder('latin1');

/** What {@link detectEncoding} found. */
export interface DetectedEncoding {
  /** A WHATWG encoding label (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252` …) or `utf-32le`/`utf-32be`. */
  label: string;
  /** How it was told: a byte-order mark, the pattern of zero bytes, the XML declaration, or the default. */
  from: 'bom' | 'pattern' | 'declaration' | 'default';
}

/**
 * From the byte-order mark, or, without one, from where the zero bytes fall in
 * the first four bytes: an ASCII character (`<`, `{`, whitespace) is `00 xx`
 * in UTF-16BE and `xx 00` in UTF-16LE (XML 1.0 Appendix F).
 */
function fromBytes(head: Uint8Array): DetectedEncoding | undefined {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { label: 'utf-8', from: 'bom' };
  if (a === 0xff && b === 0xfe) return { label: c === 0 && d === 0 ? 'utf-32le' : 'utf-16le', from: 'bom' };
  if (a === 0xfe && b === 0xff) return { label: 'utf-16be', from: 'bom' };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { label: 'utf-32be', from: 'bom' };
  if (a === undefined || b === undefined) return undefined;
  if (a === 0 && b === 0 && c === 0 && d !== undefined && d !== 0)
    return { label: 'utf-32be', from: 'pattern' };
  if (a !== 0 && b === 0 && c === 0 && d === 0) return { label: 'utf-32le', from: 'pattern' };
  if (a === 0 && b !== 0 && (c === undefined || (c === 0 && d !== 0)))
    return { label: 'utf-16be', from: 'pattern' };
  if (a !== 0 && b === 0 && (c === undefined || (c !== 0 && d === 0)))
    return { label: 'utf-16le', from: 'pattern' };
  return undefined;
}

/**
 * Tells the encoding of a report from its first bytes ({@link SNIFF_BYTES}
 * are enough), in this order:
 *
 * 1. a byte-order mark: UTF-8, UTF-16LE, UTF-16BE (UTF-32 is recognised only to be refused);
 * 2. without one, the zero bytes of UTF-16 (or UTF-32) around the first ASCII
 *    characters — so UTF-16BE and UTF-16LE without a BOM are read too;
 * 3. an XML declaration `<?xml … encoding="…"?>` (after optional whitespace);
 *    one readable as ASCII cannot be UTF-16, so a UTF-16 claim there means UTF-8;
 * 4. UTF-8.
 *
 * Never throws; see {@link decoderFor} for the decoder.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  const sniffed = fromBytes(head);
  if (sniffed !== undefined) return sniffed;
  const start = latin1.decode(head.subarray(0, SNIFF_BYTES));
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(start)?.[1];
  if (declared !== undefined && !/^utf-?16/i.test(declared)) return { label: declared, from: 'declaration' };
  return { label: 'utf-8', from: 'default' };
}

/**
 * A decoder for a report whose first bytes are `head` (see
 * {@link detectEncoding}). A `TextDecoder` drops a leading BOM itself.
 *
 * @throws InvalidReportError for UTF-32 or a declared encoding the platform cannot decode.
 */
export function decoderFor(head: Uint8Array): TextDecoder {
  const { label } = detectEncoding(head);
  if (label.startsWith('utf-32')) throw new InvalidReportError('unsupported encoding: UTF-32');
  try {
    return new TextDecoder(label);
  } catch {
    throw new InvalidReportError(`unsupported encoding: ${label}`);
  }
}

/**
 * Decodes a whole report (bytes or text) with {@link decoderFor}, without
 * its BOM.
 *
 * @throws InvalidReportError for an unsupported encoding.
 */
export function decodeReport(input: string | Uint8Array): string {
  if (typeof input !== 'string') return decoderFor(input).decode(input);
  return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
}
