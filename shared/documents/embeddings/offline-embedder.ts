/**
 * A deterministic offline embedder, so documents and search work with no
 * network and no model weights: signed feature hashing (the "hashing trick")
 * of word unigrams, word bigrams and character n-grams, with sub-linear term
 * frequency, L2-normalised. Similar wording gives similar vectors: shared
 * words and stems weigh most, character 4-grams catch inflections and
 * compounds (`reset`/`resetting`, `sign-in`/`signin`), bigrams keep some word
 * order. It knows nothing of synonyms; the hybrid search's full-text side and
 * an OpenAI-compatible model cover that.
 *
 * @module
 */
import type { Embedder } from './embedder.ts';
import { SYNONYM_GROUPS } from './lexicon.ts';

/** Model name stored with vectors of this embedder (bump it when the features change). */
export const OFFLINE_EMBEDDING_MODEL = 'assay-hash-v1';

const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her ' +
    'here hers him his how i if in into is it its itself just me more most my no nor not of off on once only or ' +
    'other our ours out over own same she should so some such than that the their theirs them then there these ' +
    'they this those through to too under until up very was we were what when where which while who whom why ' +
    'will with would you your yours yourself also each any all both few about above after again against before ' +
    'below between during further'
  ).split(' '),
);

const WEIGHTS = { word: 1, stem: 0.6, bigram: 0.7, ngram: 0.35, concept: 2 } as const;
const NGRAM = 4;

/** FNV-1a, 32 bits, over UTF-16 code units: stable across platforms and versions. */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A light English stem: common inflectional and derivational endings removed. */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  const base = stripSuffix(word);
  // resetting → resett → reset; invoice/invoices → invoic
  if (/([^aeiouylsz])\1$/.test(base)) return base.slice(0, -1);
  return base.length > 4 && base.endsWith('e') ? base.slice(0, -1) : base;
}

function stripSuffix(word: string): string {
  for (const suffix of [
    'ational',
    'ization',
    'fulness',
    'iveness',
    'ations',
    'ation',
    'ments',
    'ment',
    'ness',
    'ings',
    'ing',
    'ies',
    'ied',
    'edly',
    'ed',
    'ers',
    'er',
    'ly',
    'es',
    's',
  ]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, -suffix.length);
      return suffix === 'ies' || suffix === 'ied' ? `${base}y` : base;
    }
  }
  return word;
}

/** Lower-cased words of `text`, accents removed, British `-ise` spellings as `-ize`. */
function allWords(text: string): string[] {
  const normalised = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return (normalised.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) =>
    w.length > 5 ? w.replace(/is(ation|ations|e|es|ed|ing|er|ers)$/, 'iz$1') : w,
  );
}

/** Lower-cased words of `text`, accents removed, stop words kept out. */
export function contentWords(text: string): string[] {
  return allWords(text).filter((w) => !STOPWORDS.has(w));
}

/** Synonym phrases as stemmed word sequences, by first stem, with their group number. */
const phrasesByFirstStem = (() => {
  const index = new Map<string, { stems: string[]; group: number }[]>();
  SYNONYM_GROUPS.forEach((members, group) => {
    for (const member of members) {
      const stems = allWords(member).map(stem);
      const first = stems[0];
      if (first === undefined) continue;
      index.set(first, [...(index.get(first) ?? []), { stems, group }]);
    }
  });
  return index;
})();

/** The synonym groups `text` mentions (stop words count in matching, so "log in" is a phrase). */
function conceptsOf(text: string): number[] {
  const stems = allWords(text).map(stem);
  const found: number[] = [];
  stems.forEach((s, i) => {
    for (const phrase of phrasesByFirstStem.get(s) ?? []) {
      if (phrase.stems.every((p, j) => stems[i + j] === p)) found.push(phrase.group);
    }
  });
  return found;
}

/** Each feature of `text` with its class weight and how often it occurs. */
function features(text: string): Map<string, { weight: number; count: number }> {
  const counts = new Map<string, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const seen = counts.get(feature);
    if (seen) seen.count++;
    else counts.set(feature, { weight, count: 1 });
  };
  for (const group of conceptsOf(text)) add(`c:${group}`, WEIGHTS.concept);
  const words = contentWords(text);
  const stems = words.map(stem);
  words.forEach((word, i) => {
    add(`w:${word}`, WEIGHTS.word);
    const s = stems[i] as string;
    add(`s:${s}`, WEIGHTS.stem);
    if (i > 0) add(`b:${stems[i - 1]}_${s}`, WEIGHTS.bigram);
    const padded = `^${word}$`;
    if (padded.length <= NGRAM) add(`n:${padded}`, WEIGHTS.ngram);
    else
      for (let j = 0; j + NGRAM <= padded.length; j++) add(`n:${padded.slice(j, j + NGRAM)}`, WEIGHTS.ngram);
  });
  return counts;
}

/**
 * The vector of one text: each feature hashed to a dimension and a sign,
 * weighted by its class weight × `(1 + ln(count))`, then scaled to unit
 * length. A text with no words gets the first unit vector (never all zeros,
 * whose cosine distance is undefined).
 */
export function hashEmbedding(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  for (const [feature, { weight, count }] of features(text)) {
    const h = fnv1a(feature, 0);
    const sign = fnv1a(feature, 0x5bd1e995) & 1 ? 1 : -1;
    vector[h % dimensions] = (vector[h % dimensions] ?? 0) + sign * weight * (1 + Math.log(count));
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) return Array.from(vector, (_, i) => (i === 0 ? 1 : 0));
  return Array.from(vector, (v) => v / norm);
}

/** The offline {@link Embedder} of `dimensions`. */
export function createOfflineEmbedder(dimensions: number): Embedder {
  return {
    model: OFFLINE_EMBEDDING_MODEL,
    dimensions,
    embed: async (texts) => texts.map((text) => hashEmbedding(text, dimensions)),
  };
}
