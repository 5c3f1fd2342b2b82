/**
 * Reading and recognising uploaded bytes: a bounded read of a stream, what a
 * file's first bytes say it is, and text decoding (UTF-8 with or without BOM,
 * UTF-16 with BOM, Windows-1252 as the last resort).
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { DocumentFailure } from '../document-types.ts';

/** Reads a whole stream, failing with `too_large` past `maxBytes` (the stream is destroyed then). */
export async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new DocumentFailure('too_large', `The document is larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

const SIGNATURES: ReadonlyArray<readonly [string, number[]]> = [
  ['a PDF file', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  [
    'an OLE compound file (legacy Office or encrypted Office)',
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  ],
  ['a Windows executable', [0x4d, 0x5a]],
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a gzip archive', [0x1f, 0x8b]],
];

/** What the first bytes of `bytes` say the file is, if they name a known binary format. */
export function describeMagic(bytes: Uint8Array): string | undefined {
  for (const [label, signature] of SIGNATURES) {
    if (signature.every((byte, i) => bytes[i] === byte)) return label;
  }
  return undefined;
}

/** True when `bytes` start with `%PDF-` within the first 1,024 bytes (where readers accept it). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).includes('%PDF-');
}

/**
 * The text of `bytes`: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or — when
 * the bytes are not valid UTF-8 — Windows-1252. Binary content (a NUL byte in
 * the first 64 KB, or a known binary signature) fails as `unsupported_type`.
 */
export function decodeText(bytes: Buffer, kindLabel: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const magic = describeMagic(bytes);
  if (magic || bytes.subarray(0, 65_536).includes(0)) {
    throw new DocumentFailure(
      'unsupported_type',
      `The file was uploaded as ${kindLabel} but its bytes are ${magic ?? 'binary, not text'}`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
