/**
 * Text normalization shared by TID matching, de-duplication and evaluation.
 * Pure functions; words come from the shared tokenizer.
 */

import { words } from '../../text/tokenizer.ts';

/**
 * Lower case without diacritics: Unicode-compatibility folded, combining marks
 * removed, then recomposed (so Hangul stays syllables). `Étant Donné` → `etant donne`.
 */
export function foldCase(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase();
}

/**
 * Canonical form of a criterion's text for comparisons: Unicode-compatibility
 * folded, diacritics removed (then recomposed, so Hangul stays syllables), lower-cased, every run of non-letter/non-digit
 * characters (punctuation, markdown markers, whitespace) collapsed to a single
 * space, trimmed.
 *
 * @example normalizeText('  **User** sees an *error*!  ') // 'user sees an error'
 */
export function normalizeText(text: string): string {
  return foldCase(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Word tokens of an already-normalized text, from the shared tokenizer
 * (`shared/text/tokenizer.ts`). Scripts written without spaces (Chinese,
 * Japanese, Korean, Thai) are split into overlapping character bigrams so
 * that similarity still works on them.
 */
export function tokenize(normalized: string): string[] {
  return words(normalized, { camel: false, unspaced: 'bigrams' });
}

/** Character bigrams of an already-normalized text (word boundaries included). */
export function charBigrams(normalized: string): string[] {
  const chars = Array.from(` ${normalized} `);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}
