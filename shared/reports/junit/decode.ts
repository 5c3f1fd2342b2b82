/**
 * Turns a report source (bytes or text, whole or chunked) into text chunks of
 * bounded size: detects the encoding from the byte-order mark or the XML
 * declaration, counts bytes against the size limit, and never holds more than
 * one chunk.
 *
 * @module
 */
import { TextDecoder } from 'node:util';
import { InvalidReportError } from './invalid.ts';
import type { JUnitSource } from './types.ts';

/** Size of the pieces a whole string or buffer is cut into. */
export const CHUNK_SIZE = 256 * 1024;
/** How many leading bytes are read before the encoding is decided. */
const SNIFF_BYTES = 1024;
const latin1 = new TextDecoder('latin1');

function bomEncoding(head: Uint8Array): string | undefined {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'utf-32le' : 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return 'utf-16le';
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return 'utf-16be';
  if (a === 0 && b === 0 && (c === 0 || c === 0xfe)) return 'utf-32be';
  return undefined;
}

/**
 * Chooses the decoder for a byte stream from its first bytes (BOM, UTF-16
 * pattern, then `<?xml … encoding="…"?>`); UTF-8 when nothing is declared.
 *
 * @throws InvalidReportError for an encoding the platform cannot decode.
 */
export function decoderFor(head: Uint8Array): TextDecoder {
  const sniffed = bomEncoding(head);
  let label = sniffed;
  if (label === undefined) {
    const start = latin1.decode(head.subarray(0, SNIFF_BYTES));
    const declared = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(start)?.[1];
    // A declaration readable as ASCII cannot be UTF-16 whatever it claims.
    label = declared === undefined || /^utf-?16/i.test(declared) ? 'utf-8' : declared;
  }
  if (label.startsWith('utf-32')) throw new InvalidReportError('unsupported encoding: UTF-32');
  try {
    return new TextDecoder(label);
  } catch {
    throw new InvalidReportError(`unsupported encoding: ${label}`);
  }
}

function* split(source: string | Uint8Array): Generator<string | Uint8Array> {
  for (let at = 0; at < source.length; at += CHUNK_SIZE) {
    yield typeof source === 'string'
      ? source.slice(at, at + CHUNK_SIZE)
      : source.subarray(at, at + CHUNK_SIZE);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

async function* chunksOf(source: JUnitSource): AsyncGenerator<Uint8Array | string> {
  if (typeof source === 'string' || source instanceof Uint8Array) yield* split(source);
  else if (isAsyncIterable(source)) yield* source;
  else yield* source;
}

/**
 * Yields the source as decoded text.
 *
 * @throws InvalidReportError past `maxBytes` or for an unsupported encoding.
 * Errors of the source itself (I/O) pass through unchanged.
 */
export async function* decodeText(source: JUnitSource, maxBytes: number): AsyncGenerator<string> {
  let bytes = 0;
  let decoder: TextDecoder | undefined;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  const count = (n: number): void => {
    bytes += n;
    if (bytes > maxBytes)
      throw new InvalidReportError(`report is larger than the limit of ${maxBytes} bytes`);
  };
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      count(Buffer.byteLength(chunk));
      if (chunk.length > 0) yield chunk;
      continue;
    }
    count(chunk.byteLength);
    if (decoder === undefined) {
      // Hold the first bytes back until the encoding can be told.
      head.push(chunk);
      headBytes += chunk.byteLength;
      if (headBytes < SNIFF_BYTES) continue;
      const joined = Buffer.concat(head);
      head = [];
      decoder = decoderFor(joined);
      const text = decoder.decode(joined, { stream: true });
      if (text.length > 0) yield text;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  if (decoder === undefined && headBytes > 0) {
    const joined = Buffer.concat(head);
    decoder = decoderFor(joined);
    const text = decoder.decode(joined, { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder?.decode() ?? '';
  if (tail.length > 0) yield tail;
}
