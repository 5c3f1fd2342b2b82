/**
 * A deterministic offline embedder, so documents and search work with no
 * network and no model download. Each vector has two parts, each of unit
 * length before weighting, so a cosine similarity is a weighted sum of both:
 *
 * - **lexical**: signed feature hashing (the "hashing trick") of word
 *   unigrams, Porter2 stems, word bigrams and character 4-grams, with
 *   sub-linear term frequency — shared words, inflections and compounds
 *   (`reset`/`resetting`, `sign-in`/`signin`);
 * - **semantic**: the smooth-inverse-frequency average of published GloVe
 *   word vectors ({@link semanticEmbedding}) — words of related meaning
 *   (`refund`/`reimburse`, `password`/`credentials`) with no shared letters.
 *
 * No vocabulary is written by hand.
 *
 * @module
 */
import porter2 from 'wink-porter2-stemmer';
import type { Embedder } from './embedder.ts';
import { semanticDimensions, semanticEmbedding } from './word-vectors.ts';

/** Model name stored with vectors of this embedder (bump it when the features change). */
export const OFFLINE_EMBEDDING_MODEL = 'assay-sif-glove-v1';

/** Share of the cosine similarity that comes from the semantic part (β²). */
export const SEMANTIC_SHARE = 0.5;

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

const WEIGHTS = { word: 1, stem: 0.6, bigram: 0.7, ngram: 0.35 } as const;
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

/** The Porter2 (Snowball English) stem of a lower-case word — the stemmer Postgres' `english` text search uses. */
export function stem(word: string): string {
  return word.length <= 3 ? word : porter2(word);
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

/** Each feature of a text's content `words` with its class weight and how often it occurs. */
function features(words: readonly string[]): Map<string, { weight: number; count: number }> {
  const counts = new Map<string, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const seen = counts.get(feature);
    if (seen) seen.count++;
    else counts.set(feature, { weight, count: 1 });
  };
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
  return hashVector(contentWords(text), dimensions);
}

/** {@link hashEmbedding} of a text's content words. */
function hashVector(words: readonly string[], dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  for (const [feature, { weight, count }] of features(words)) {
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

/**
 * The offline vector of one text, `dimensions` long and unit length: the
 * lexical {@link hashEmbedding} in the first `dimensions − s` numbers and the
 * semantic SIF vector in the last `s` (s = min(100, dimensions / 2); a smaller
 * `s` folds the semantic dimensions onto it), weighted so that
 * cos = (1 − share) · cos_lexical + share · cos_semantic. A text with no known
 * word has a lexical part only.
 */
export function offlineEmbedding(text: string, dimensions: number, share = SEMANTIC_SHARE): number[] {
  const semanticSize = Math.min(semanticDimensions(), Math.floor(dimensions / 2));
  const words = contentWords(text);
  const lexical = hashVector(words, dimensions - semanticSize);
  const semantic = semanticEmbedding(words);
  const folded = new Float64Array(semanticSize);
  semantic.forEach((value, i) => {
    folded[i % semanticSize] = (folded[i % semanticSize] ?? 0) + value;
  });
  let norm = 0;
  for (const v of folded) norm += v * v;
  norm = Math.sqrt(norm);
  const lexicalWeight = norm > 0 ? Math.sqrt(1 - share) : 1;
  const semanticWeight = norm > 0 ? Math.sqrt(share) / norm : 0;
  return [...lexical.map((v) => v * lexicalWeight), ...Array.from(folded, (v) => v * semanticWeight)];
}

/** The offline {@link Embedder} of `dimensions` (8–2000). */
export function createOfflineEmbedder(dimensions: number, share = SEMANTIC_SHARE): Embedder {
  return {
    model: OFFLINE_EMBEDDING_MODEL,
    dimensions,
    embed: async (texts) => texts.map((text) => offlineEmbedding(text, dimensions, share)),
  };
}
