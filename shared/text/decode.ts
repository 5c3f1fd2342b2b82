/**
 * Total decoders for outside input: each answers `undefined` for malformed
 * input instead of throwing, so a bad cookie, path or key is treated as absent
 * (or a 400/401 by the caller), never an exception that escapes.
 *
 * @module
 */

/** `decodeURIComponent`, or `undefined` for a malformed escape (`%ZZ`, `%ff`, a lone `%`). */
export function decodeUriComponentOrUndefined(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/**
 * The object key of an S3 event record (URL-encoded, spaces as `+`), or
 * `undefined` when the encoding is malformed.
 */
export function decodeS3EventKey(encoded: string): string | undefined {
  return decodeUriComponentOrUndefined(encoded.replace(/\+/g, ' '));
}

/** `JSON.parse`, or `undefined` for text that is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
