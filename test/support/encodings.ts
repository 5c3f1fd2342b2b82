/** `text` in UTF-16 (little- or big-endian), with or without a byte-order mark, as Windows tools write it. */
export function utf16(text: string, endian: 'le' | 'be', bom: boolean): Buffer {
  const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le');
  return endian === 'be' ? bytes.swap16() : bytes;
}
