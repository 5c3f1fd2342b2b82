/**
 * Acceptance-criteria extraction from GitHub issues (SPEC §2): pure functions,
 * no I/O. (The corpus loader used by tests and the bench, `./corpus.ts`, reads
 * files and is deliberately not re-exported here.)
 */
export {
  type CaseEvaluation,
  type CorpusEvaluation,
  DEFAULT_EVALUATION_THRESHOLD,
  evaluateCase,
  evaluateCorpus,
} from './evaluate.ts';
export { extractCriteria } from './extract.ts';
export { isCriteriaLabel, normalizeLabel } from './labels.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export { isPlaceholder } from './placeholders.ts';
export {
  EXTRACTOR_SOURCES,
  type ExtractedItem,
  ExtractedItemSchema,
  type ExtractionInput,
  type ExtractionOptions,
  type ExtractionResult,
  type ExtractorSource,
} from './types.ts';
