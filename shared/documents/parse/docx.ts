/**
 * DOCX: a ZIP of XML parts. Before mammoth reads it, every entry is inflated
 * once with `fflate` while counting bytes, so a zip bomb (tiny archive, huge
 * content) stops at {@link DOCX_MAX_UNCOMPRESSED_BYTES} whatever its headers
 * claim. mammoth then converts it to HTML, keeping headings, lists and
 * tables, and the HTML goes the way every HTML document goes.
 *
 * @module
 */
import { Unzip, UnzipInflate } from 'fflate';
import mammoth from 'mammoth';
import { type DocumentBlock, DocumentFailure } from '../document-types.ts';
import { describeMagic } from './bytes.ts';
import { htmlBlocks } from './text-formats.ts';

/** Total uncompressed size a DOCX may expand to (200 MB: far above real documents, whose XML rarely exceeds a few MB). */
export const DOCX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/** "EncryptionInfo" in UTF-16LE: the stream an encrypted Office file carries in its OLE container. */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

/** Entry names of the archive, inflated once under the byte cap (`too_large` past it, `corrupt` if it is not a ZIP). */
export function inspectZip(bytes: Uint8Array, maxUncompressed: number): string[] {
  const names: string[] = [];
  let total = 0;
  let failure: DocumentFailure | undefined;
  const unzip = new Unzip((file) => {
    names.push(file.name);
    file.ondata = (error, chunk) => {
      if (failure) return;
      if (error) {
        failure = new DocumentFailure('corrupt', `The DOCX archive is damaged: ${error.message}`);
        return;
      }
      total += chunk.length;
      if (total > maxUncompressed) {
        failure = new DocumentFailure(
          'too_large',
          `The DOCX expands to more than ${maxUncompressed} bytes uncompressed (a zip bomb?); refused`,
        );
        file.terminate();
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    const step = 1024 * 1024;
    for (let offset = 0; offset < bytes.length && !failure; offset += step) {
      const end = Math.min(bytes.length, offset + step);
      unzip.push(bytes.subarray(offset, end), end === bytes.length);
    }
  } catch (error) {
    failure ??= new DocumentFailure('corrupt', `The DOCX archive is damaged: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  return names;
}

/** True when the archive ends with its end-of-central-directory record (a truncated upload does not). */
function hasEndOfCentralDirectory(bytes: Buffer): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 65_557));
  return tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
}

/** Blocks of a DOCX file. */
export async function docxBlocks(
  bytes: Buffer,
  maxUncompressed = DOCX_MAX_UNCOMPRESSED_BYTES,
): Promise<DocumentBlock[]> {
  const magic = describeMagic(bytes);
  if (magic?.startsWith('an OLE')) {
    if (bytes.includes(ENCRYPTION_INFO)) {
      throw new DocumentFailure(
        'encrypted',
        'The Word document is password-protected; remove the password and upload it again',
      );
    }
    throw new DocumentFailure(
      'unsupported_type',
      'The file is a legacy Word (.doc) document; save it as .docx',
    );
  }
  if (magic !== 'a ZIP archive') {
    throw new DocumentFailure(
      'corrupt',
      `The file was uploaded as DOCX but its bytes are ${magic ?? 'not a ZIP archive'}`,
    );
  }
  if (!hasEndOfCentralDirectory(bytes)) {
    throw new DocumentFailure(
      'corrupt',
      'The DOCX archive is truncated or damaged (no end of central directory)',
    );
  }
  const names = inspectZip(bytes, maxUncompressed);
  if (!names.includes('word/document.xml')) {
    throw new DocumentFailure(
      'unsupported_type',
      'The ZIP archive is not a Word document (no word/document.xml)',
    );
  }
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (error) {
    throw new DocumentFailure('corrupt', `The Word document could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return htmlBlocks(html);
}
