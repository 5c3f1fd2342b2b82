/**
 * Streaming JUnit XML parsing (SPEC §4): {@link parseJUnit} for counts and
 * per-test records, {@link TidSummarizer} / {@link summarizeByTid} for the
 * per-TID roll-up that validation uses.
 *
 * @module
 */
export { parseDurationMs, parseSeconds } from './duration.ts';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGE_LENGTH, parseJUnit } from './parse.ts';
export { STATUS_RANK, statusFromAttribute, worseStatus } from './status.ts';
export { summarizeByTid, TidSummarizer, type TidSummary, type TidTest } from './summarize.ts';
export { extractTids, normalizeTid, parseTidList, TID_PROPERTY_NAMES } from './tids.ts';
export type {
  JUnitCounts,
  JUnitInvalidResult,
  JUnitResult,
  JUnitSource,
  JUnitTestCase,
  JUnitTestSuite,
  JUnitValidResult,
  ParseJUnitOptions,
  TestStatus,
} from './types.ts';
