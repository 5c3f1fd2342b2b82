/**
 * Words for relevance matching: splitting identifiers and paths into
 * lower-case words, stop-words, and a small suffix-stripping stemmer.
 *
 * @module
 */
import { isNumber, isSignificant, wordLength, words } from '../text/tokenizer.ts';

/**
 * The lower-case word parts of an identifier or path piece, in any script
 * (see `shared/text/tokenizer.ts`): `validateEmail` → `validate`, `email`;
 * `HTTPServer2` → `http`, `server`, `2`; `user_id` → `user`, `id`;
 * `größeBerechnen` → `größe`, `berechnen`.
 */
export function wordParts(text: string): string[] {
  return words(text);
}

/**
 * Words of a repository path (directories, file name, extension dropped) of
 * three or more characters (two in unspaced scripts): `docs/résumé.md` →
 * `docs`, `résumé`; `src/übersicht/größe.ts` → `src`, `übersicht`, `größe`.
 */
export function pathWordsOf(path: string): string[] {
  const dot = path.lastIndexOf('.');
  const stem = dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
  const out: string[] = [];
  for (const w of wordParts(stem)) if (isSignificant(w) && !isNumber(w)) out.push(w);
  return out;
}

const SUFFIXES: readonly [string, string][] = [
  ['ations', ''],
  ['ation', ''],
  ['ators', ''],
  ['ator', ''],
  ['ating', ''],
  ['ated', ''],
  ['ates', ''],
  ['ate', ''],
  ['ions', ''],
  ['ion', ''],
  ['ings', ''],
  ['ing', ''],
  ['ies', 'y'],
  ['ers', ''],
  ['er', ''],
  ['ed', ''],
  ['es', ''],
  ['ly', ''],
  ['s', ''],
  ['e', ''],
];

/**
 * A crude stem: one suffix stripped (`validation`, `validates`, `validator`
 * → `valid`; `emails` → `email`; `logging` → `log`), keeping at least three
 * letters; `ss`/`us`/`is` endings are kept (`address`, `status`, `analysis`).
 */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length <= 3 || /(?:ss|us|is)$/.test(w)) return w;
  for (const [suffix, replacement] of SUFFIXES) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, w.length - suffix.length) + replacement;
    if (base.length < 3) continue;
    // logging → logg → log; but keep ll/ss/zz (install → install).
    if (/([b-df-hj-kmnp-rtv-xz])\1$/.test(base) && !/(?:ll|ss|zz)$/.test(base)) return base.slice(0, -1);
    return base;
  }
  return w;
}

/** English function words and checklist filler that say nothing about code. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else when while of to in on at by for with from into onto over under as is are ' +
    'was were be been being am do does did done has have had having can could should would will shall must may ' +
    'might not no nor so than that this these those there their them they it its he she we you your our us i me my ' +
    'his her who whom which what where why how all any each every some such only own same too very just also ' +
    'user users able allow allows allowed ensure verify make sure given new get gets see sees shows show ' +
    'correct correctly properly works working work page screen etc via e g ie one two'
  ).split(' '),
);

/**
 * The content words of checklist text, in any script: lower-case words of two
 * or more characters that start with a letter (identifiers written in the
 * text are split at camel case), stop-words removed, each once.
 */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const w of words(text, { camel: 'mixed' })) {
    if (wordLength(w) < 2 || /^\p{N}/u.test(w) || STOP_WORDS.has(w) || seen.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}
