/**
 * The embedder interface: texts in, unit vectors of one fixed dimension out.
 * Two implementations: the OpenAI embeddings API (any OpenAI-compatible
 * endpoint) and a deterministic offline embedder.
 *
 * @module
 */

/** Turns texts into vectors of `dimensions` numbers, in the order given. */
export interface Embedder {
  /** Stored with every chunk; vectors of different models are never compared. */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text. Throws a `DocumentFailure('embedding_failed')` when the provider fails for good. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** The text embedded for a chunk: its heading path, then its text. */
export function chunkEmbeddingText(headingPath: readonly string[], text: string): string {
  return headingPath.length > 0 ? `${headingPath.join(' › ')}\n\n${text}` : text;
}
