/**
 * DOCX: a ZIP of XML parts. Before mammoth reads it, every entry is inflated
 * once with `fflate` while counting bytes, so a zip bomb (tiny archive, huge
 * content) stops at {@link DOCX_MAX_UNCOMPRESSED_BYTES} whatever its headers
 * claim; the character data of the parts mammoth reads (body, footnotes,
 * endnotes, comments) is counted on the way, so a document with more text
 * than the text cap (190 MB of one repeated word) is refused before mammoth
 * builds anything. mammoth then converts it to HTML, keeping headings, lists
 * and tables (images are left out unread: only their alt text is kept), and
 * the HTML goes the way every HTML document goes.
 *
 * @module
 */
import { Unzip, UnzipInflate } from 'fflate';
import mammoth from 'mammoth';
import { type DocumentBlock, DocumentFailure } from '../document-types.ts';
import { describeMagic } from './bytes.ts';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_TEXT_CHARS, tooMuchText } from './limits.ts';
import { htmlBlocks } from './text-formats.ts';

/** Total uncompressed size a DOCX may expand to (200 MB: far above real documents, whose XML rarely exceeds a few MB). */
export const DOCX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/** "EncryptionInfo" in UTF-16LE: the stream an encrypted Office file carries in its OLE container. */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

/** The parts mammoth reads text from. */
const TEXT_PART = /^word\/(document|footnotes|endnotes|comments)\.xml$/;

/**
 * Counts the character data of XML as it streams by: bytes outside tags
 * (an upper bound of the text it holds, entities counted as written).
 */
function characterDataCounter(): (chunk: Uint8Array) => number {
  let inTag = false;
  return (chunk) => {
    let count = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === 0x3c) inTag = true;
      else if (byte === 0x3e) inTag = false;
      else if (!inTag) count++;
    }
    return count;
  };
}

/**
 * Entry names of the archive, inflated once under the byte cap (`too_large`
 * past it, or past `maxTextChars` of character data in the text parts;
 * `corrupt` if it is not a ZIP).
 */
export function inspectZip(
  bytes: Uint8Array,
  maxUncompressed: number,
  maxTextChars = DEFAULT_MAX_TEXT_CHARS,
): string[] {
  const names: string[] = [];
  let total = 0;
  let text = 0;
  let failure: DocumentFailure | undefined;
  const unzip = new Unzip((file) => {
    names.push(file.name);
    const countText = TEXT_PART.test(file.name) ? characterDataCounter() : undefined;
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
        return;
      }
      if (countText) {
        text += countText(chunk);
        if (text > maxTextChars) {
          failure = tooMuchText(maxTextChars);
          file.terminate();
        }
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

/** Caps of a DOCX parse. */
export interface DocxCaps {
  maxUncompressed: number;
  maxTextChars: number;
  maxDepth: number;
}

/** Images are never read: only their alt text is kept (as an image without a source). */
const skipImages = mammoth.images.imgElement(async () => ({ src: '' }));

/** Blocks of a DOCX file. */
export async function docxBlocks(bytes: Buffer, caps: Partial<DocxCaps> = {}): Promise<DocumentBlock[]> {
  const maxUncompressed = caps.maxUncompressed ?? DOCX_MAX_UNCOMPRESSED_BYTES;
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
  const names = inspectZip(bytes, maxUncompressed, caps.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
  if (!names.includes('word/document.xml')) {
    throw new DocumentFailure(
      'unsupported_type',
      'The ZIP archive is not a Word document (no word/document.xml)',
    );
  }
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes }, { convertImage: skipImages })).value;
  } catch (error) {
    throw new DocumentFailure('corrupt', `The Word document could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return htmlBlocks(html, caps.maxDepth ?? DEFAULT_MAX_DEPTH);
}
