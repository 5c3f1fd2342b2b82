/**
 * Text normalization, fuzzy similarity and item matching used to keep test
 * ids (TIDs) stable when an issue's criteria are edited.
 */
export {
  DEFAULT_MATCH_THRESHOLD,
  type ItemMatch,
  type MatchOptions,
  matchItems,
  type PreviousItem,
  retiredTids,
} from './match-items.ts';
export { charBigrams, normalizeText, tokenize } from './normalize.ts';
export { type PreparedText, preparedSimilarity, prepareText, textSimilarity } from './similarity.ts';
