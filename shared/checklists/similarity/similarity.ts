import { charBigrams, normalizeText, tokenize } from './normalize.ts';

/** A text prepared once for repeated similarity comparisons. */
export interface PreparedText {
  /** {@link normalizeText} of the original. */
  readonly normalized: string;
  readonly tokens: ReadonlySet<string>;
  readonly bigrams: ReadonlySet<string>;
}

/** Normalizes and tokenizes a text for {@link preparedSimilarity}. */
export function prepareText(text: string): PreparedText {
  const normalized = normalizeText(text);
  return { normalized, tokens: new Set(tokenize(normalized)), bigrams: new Set(charBigrams(normalized)) };
}

function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/**
 * Similarity of two prepared texts in [0, 1]: the mean of the Dice
 * coefficient over word-token sets (robust to reordering and added words) and
 * the Dice coefficient over character-bigram sets (robust to typos and
 * inflections). 1 means equal after normalization; empty vs non-empty is 0.
 */
export function preparedSimilarity(a: PreparedText, b: PreparedText): number {
  if (a.normalized === b.normalized) return 1;
  if (a.normalized.length === 0 || b.normalized.length === 0) return 0;
  return (dice(a.tokens, b.tokens) + dice(a.bigrams, b.bigrams)) / 2;
}

/**
 * Fuzzy similarity of two criterion texts in [0, 1] (see
 * {@link preparedSimilarity}). Symmetric; formatting, case, punctuation and
 * diacritics are ignored.
 *
 * @example textSimilarity('User sees an error', 'The user sees an error message') // ≈ 0.8
 */
export function textSimilarity(a: string, b: string): number {
  return preparedSimilarity(prepareText(a), prepareText(b));
}
