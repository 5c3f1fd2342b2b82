/**
 * Word meaning for the offline embedder, from published GloVe vectors (see
 * `scripts/build-word-vectors.ts` for what was derived and how):
 * smooth-inverse-frequency (SIF) sentence embeddings — Arora, Liang and Ma,
 * "A Simple but Tough-to-Beat Baseline for Sentence Embeddings" (ICLR 2017):
 * the average of a text's word vectors, each weighted `a / (a + p(w))` by its
 * estimated corpus probability, with the common direction of frequent words
 * removed.
 *
 * The vectors are decoded once, on first use (60,000 words × 100 signed
 * bytes, 6 MB of memory).
 *
 * @module
 */
import porter2 from 'wink-porter2-stemmer';
import * as data from './word-vectors.generated.js';

/** SIF's smoothing constant `a`. */
export const SIF_A = 1e-3;
/** Zipf normaliser for GloVe 6B's 400,000-word vocabulary: p(rank r) ≈ 1 / (r · H), H = ln(400000) + γ. */
const ZIPF_H = Math.log(400_000) + 0.5772;

interface WordVectors {
  readonly index: Map<string, number>;
  /** Unit vectors quantised to bytes, `dimensions` per word; component = byte × scale. */
  readonly vectors: Int8Array;
  readonly scales: Float32Array;
  readonly common: Float32Array;
  readonly dimensions: number;
}

let loaded: WordVectors | undefined;

function float32s(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The decoded vocabulary and vectors (made once per process: base64 decoding and one map). */
function wordVectors(): WordVectors {
  if (loaded) return loaded;
  const bytes = Buffer.from(data.vectors, 'base64');
  const index = new Map<string, number>();
  for (const [i, word] of data.words.split('\n').entries()) index.set(word, i);
  for (const line of data.stems.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) index.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  loaded = {
    index,
    vectors: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    scales: float32s(data.scales),
    common: float32s(data.common),
    dimensions: data.dimensions,
  };
  return loaded;
}

/** Size of the semantic vectors (100). */
export function semanticDimensions(): number {
  return data.dimensions;
}

/** The vocabulary position of `word` (its frequency rank, 0 = most frequent), or undefined when unknown. */
export function wordRank(word: string): number | undefined {
  const { index } = wordVectors();
  return index.get(word) ?? (word.length > 3 ? index.get(porter2(word)) : undefined);
}

/** SIF weight of the word at frequency rank `rank`: `a / (a + p)`, p ≈ 1 / ((rank + 1) · H). */
export function sifWeight(rank: number): number {
  const p = 1 / ((rank + 1) * ZIPF_H);
  return SIF_A / (SIF_A + p);
}

/**
 * The SIF embedding of a sequence of lower-case words: unit length, or all
 * zeros when no word is known. Unknown words are skipped (the lexical part
 * of the offline embedder carries them).
 */
export function semanticEmbedding(words: readonly string[]): Float32Array {
  const { vectors, scales, common, dimensions } = wordVectors();
  const sum = new Float32Array(dimensions);
  for (const word of words) {
    const rank = wordRank(word);
    if (rank === undefined) continue;
    const weight = sifWeight(rank) * (scales[rank] ?? 0);
    const offset = rank * dimensions;
    for (let d = 0; d < dimensions; d++) sum[d] = (sum[d] ?? 0) + weight * (vectors[offset + d] ?? 0);
  }
  let projection = 0;
  for (let d = 0; d < dimensions; d++) projection += (sum[d] ?? 0) * (common[d] ?? 0);
  let norm = 0;
  for (let d = 0; d < dimensions; d++) {
    const value = (sum[d] ?? 0) - projection * (common[d] ?? 0);
    sum[d] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < dimensions; d++) sum[d] = (sum[d] ?? 0) / norm;
  return sum;
}
