/**
 * Text Postgres can store: no NUL (`U+0000`, refused by `text` and `jsonb`)
 * and no lone UTF-16 surrogate (not encodable as UTF-8; `jsonb` refuses its
 * `\ud800` escape). API input with either is refused (400, see
 * `functions/contracts/text.ts`); third-party content (webhook payloads,
 * reports, documents, crawled pages) is kept with each replaced by U+FFFD.
 *
 * @module
 */

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const ILL_FORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ILL_FORMED_ALL = new RegExp(ILL_FORMED.source, 'g');

/** The replacement character that takes the place of what cannot be stored. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** True when `text` has no NUL and no lone surrogate (so Postgres `text`/`jsonb` accept it). */
export function isStorableText(text: string): boolean {
  return !ILL_FORMED.test(text);
}

/** `text` with every NUL and lone surrogate replaced by U+FFFD; the same string when there is none. */
export function toStorableText(text: string): string {
  return ILL_FORMED.test(text) ? text.replace(ILL_FORMED_ALL, REPLACEMENT_CHARACTER) : text;
}

/**
 * A deep copy of a JSON value (parsed third-party content) with {@link toStorableText}
 * applied to every string, object keys included. Values other than strings,
 * arrays and plain objects are returned as they are.
 */
export function toStorableJson<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) return value.map((item) => toStorableJson(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[toStorableText(key)] = toStorableJson(item);
    return out as T;
  }
  return value;
}
