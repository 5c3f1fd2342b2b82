import type { TestStatus } from './types.ts';

/** Rank of each status: the higher one wins when several apply. */
export const STATUS_RANK: Readonly<Record<TestStatus, number>> = {
  passed: 0,
  skipped: 1,
  failed: 2,
  errored: 3,
};

/** The worse of two statuses under error > failure > skipped > passed. */
export function worseStatus(a: TestStatus, b: TestStatus): TestStatus {
  return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

const SKIP_WORDS = new Set([
  'notrun',
  'not_run',
  'disabled',
  'skipped',
  'skip',
  'ignored',
  'pending',
  'suppressed',
]);
const FAIL_WORDS = new Set(['fail', 'failed', 'failure']);
const ERROR_WORDS = new Set(['error', 'errored']);

/**
 * Status implied by a testcase's `status` / `result` attributes, which some tools
 * write instead of (or besides) child elements — googletest
 * (`status="notrun"`, `result="suppressed"|"skipped"`), Catch2 (`status="run"`)
 * and others. Words that mean "it ran" (`run`, `completed`, `passed` …) imply
 * nothing and give `undefined`.
 */
export function statusFromAttribute(value: string | undefined): TestStatus | undefined {
  if (value === undefined || value === '') return undefined;
  const word = value.trim().toLowerCase();
  if (SKIP_WORDS.has(word)) return 'skipped';
  if (FAIL_WORDS.has(word)) return 'failed';
  if (ERROR_WORDS.has(word)) return 'errored';
  return undefined;
}
