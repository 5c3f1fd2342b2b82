/**
 * The one tokenizer for words in every script: relevance words of checklist
 * items and changed paths, identifiers of added diff lines, and the tokens of
 * criterion similarity all come from here, so `docs/résumé.md` is the word
 * `résumé` (not `r` + `sum`), `src/übersicht/größe.ts` is `übersicht` +
 * `größe`, `ПроверкаEmail` is `проверка` + `email`, and Japanese, which is
 * written without spaces, is split by `Intl.Segmenter` (ICU's dictionary
 * word breaker) or, for fuzzy matching, into character bigrams.
 *
 * Words are Unicode letters (`\p{L}`, with their combining marks `\p{M}`)
 * and digits (`\p{N}`); text is NFC-normalised first, so a macOS path in
 * decomposed form gives the same words as its composed spelling.
 *
 * @module
 */

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const UNSPACED_CHAR =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\u30FC]$/u;

/** A run of letters, marks and digits: one word before camel-case splitting. */
const RUN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/**
 * Camel-case parts of one run: an upper-case run not followed by lower case
 * (`HTTP` in `HTTPServer`), an optional capital with its lower-case letters
 * (`Server`, `größe`), caseless letters (`ユーザー`, `登録`), or digits.
 */
const CAMEL =
  /(?:\p{Lu}\p{M}*)+(?!\p{Ll})|(?:[\p{Lu}\p{Lt}]\p{M}*)?(?:\p{Ll}\p{M}*)+|(?:[\p{Lo}\p{Lm}]\p{M}*)+|\p{N}+/gu;

/** A lower-case letter followed by a capital: the run is an identifier written in camel case. */
const MIXED_CASE = /\p{Ll}\p{M}*\p{Lu}/u;

/**
 * An identifier in source code of any language: a letter, `_` or `$`, then
 * letters, marks, digits, `_` or `$` (`validateEmail`, `größe`, `проверка`,
 * `合計金額`). Global and Unicode: reset `lastIndex` before each use.
 */
export const IDENTIFIER = /[\p{L}_$][\p{L}\p{M}\p{N}_$]*/gu;

let segmenter: Intl.Segmenter | undefined;

/** ICU word segments of an unspaced run (`カートの合計` → `カート`, `の`, `合計`). */
function segmentsOf(run: string): string[] {
  segmenter ??= new Intl.Segmenter('ja', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(run)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** Overlapping character bigrams of an unspaced run (`验收标准` → `验收`, `收标`, `标准`). */
function bigramsOf(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return [run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

const UNSPACED_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\u30FC]{2,}/gu;

/**
 * `text` with a space between the dictionary words of every run of an
 * unspaced script (Chinese, Japanese, Thai; `Intl.Segmenter`), the rest
 * unchanged: `购物车页面显示合计` → `购物 车 页 面 显示 合计`. Postgres' text
 * search parser keeps an unspaced run as one lexeme, so documents and
 * queries both go through this before `to_tsvector`/`websearch_to_tsquery`,
 * and a word inside a longer run is found. Linear in the length of `text`.
 */
export function spaceUnspacedWords(text: string): string {
  if (!UNSPACED.test(text)) return text;
  return text.replace(UNSPACED_RUN, (run) => ` ${segmentsOf(run).join(' ')} `);
}

/** Options of {@link words}. */
export interface WordOptions {
  /**
   * Split camel case and letter/digit boundaries (`validateEmail2` →
   * `validate`, `email`, `2`): `true` (default), `false`, or `'mixed'` — only
   * runs with a lower-case letter followed by a capital (`validateEmail`, but
   * `OAuth2` and `iPhone`-less prose words stay whole: `oauth2`).
   */
  camel?: boolean | 'mixed';
  /**
   * How text in scripts without spaces is split: `segments` (default) into
   * dictionary words with `Intl.Segmenter`, `bigrams` into overlapping
   * character pairs (robust for fuzzy matching).
   */
  unspaced?: 'segments' | 'bigrams';
}

/** Splits a run of caseless unspaced letters, leaving other runs whole. */
function splitUnspaced(part: string, mode: 'segments' | 'bigrams'): string[] {
  if (!UNSPACED.test(part)) return [part];
  const out: string[] = [];
  let run = '';
  let runUnspaced = false;
  const flush = () => {
    if (run === '') return;
    if (runUnspaced && Array.from(run).length > 1)
      out.push(...(mode === 'bigrams' ? bigramsOf(run) : segmentsOf(run)));
    else out.push(run);
    run = '';
  };
  for (const char of part) {
    const unspaced = UNSPACED_CHAR.test(char);
    if (run !== '' && unspaced !== runUnspaced) flush();
    runUnspaced = unspaced;
    run += char;
  }
  flush();
  return out;
}

/**
 * The lower-case words of `text` in order (duplicates kept): runs of Unicode
 * letters and digits, split at camel case (by default) and, in unspaced
 * scripts, into dictionary words or bigrams. Everything else (punctuation,
 * `/`, `_`, `-`, `.`, whitespace, emoji) separates words.
 *
 * @example words('src/übersicht/größeBerechnen.ts') // ['src', 'übersicht', 'größe', 'berechnen', 'ts']
 * @example words('カートに合計が表示される') // ['カート', 'に', '合計', 'が', '表示', 'さ', 'れる']
 */
export function words(text: string, options: WordOptions = {}): string[] {
  const camel = options.camel ?? true;
  const mode = options.unspaced ?? 'segments';
  const out: string[] = [];
  for (const run of text.normalize('NFC').match(RUN) ?? []) {
    const split = camel === 'mixed' ? MIXED_CASE.test(run) : camel;
    const parts = split ? (run.match(CAMEL) ?? [run]) : [run];
    for (const part of parts) for (const w of splitUnspaced(part, mode)) out.push(w.toLowerCase());
  }
  return out;
}

/** True when `word` is made of digits only (in any script). */
export function isNumber(word: string): boolean {
  return /^\p{N}+$/u.test(word);
}

/** Length of a word in characters (code points), not UTF-16 units. */
export function wordLength(word: string): number {
  let n = 0;
  for (const _ of word) n += 1;
  return n;
}

/**
 * True when a word is long enough to mean something on its own: three or
 * more characters, or two in an unspaced script, where `合計` (total) is a
 * whole word.
 */
export function isSignificant(word: string, minimum = 3): boolean {
  const length = wordLength(word);
  if (length >= minimum) return true;
  return length >= 2 && UNSPACED.test(word);
}
