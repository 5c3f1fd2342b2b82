/**
 * Turns a report source (bytes or text, whole or chunked) into text chunks of
 * bounded size: detects the encoding with the reports' one detection routine
 * (`../encoding.ts`: byte-order mark, UTF-16 byte pattern, XML declaration),
 * counts bytes against the size limit, and never holds more than one chunk.
 *
 * @module
 */
import type { TextDecoder } from 'node:util';
import { decoderFor, SNIFF_BYTES } from '../encoding.ts';
import { InvalidReportError } from './invalid.ts';
import type { JUnitSource } from './types.ts';

/** Size of the pieces a whole string or buffer is cut into. */
export const CHUNK_SIZE = 256 * 1024;
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
