/**
 * What validation needs from a JUnit report, read once when the report is
 * processed and stored with its upload (write-once): the tests that carry a
 * TID (for the per-TID roll-up, flakiness across reports included) and the
 * failed tests with a file (check-run annotations). Validation merges these
 * stored results and never reads the raw object again, so a later object at
 * the same key cannot change an outcome.
 *
 * @module
 */
import { z } from 'zod';
import type { CheckRunAnnotation } from '../github/github-client.types.ts';
import {
  DEFAULT_MAX_BYTES,
  type JUnitResult,
  type JUnitSource,
  type JUnitTestCase,
  parseJUnit,
  TidSummarizer,
  type TidSummary,
} from '../reports/junit/index.ts';
import { toStorableJson } from '../text/well-formed.ts';

/** GitHub takes at most 50 annotations per request; the check keeps this many in all. */
export const MAX_ANNOTATIONS = 500;

const statusSchema = z.enum(['passed', 'failed', 'errored', 'skipped']);

/** The stored form (`ci_uploads.results`), version 1. */
export const storedJUnitResultsSchema = z.object({
  version: z.literal(1),
  /** Tests carrying at least one TID. */
  tests: z.array(
    z.object({
      suite: z.string(),
      classname: z.string(),
      name: z.string(),
      tids: z.array(z.string()),
      status: statusSchema,
      flaky: z.boolean(),
    }),
  ),
  /** Failed or errored tests with a file, at most {@link MAX_ANNOTATIONS}. */
  annotations: z.array(
    z.object({
      path: z.string(),
      start_line: z.number().int(),
      end_line: z.number().int(),
      annotation_level: z.enum(['notice', 'warning', 'failure']),
      message: z.string(),
      title: z.string().optional(),
    }),
  ),
});
export type StoredJUnitResults = z.infer<typeof storedJUnitResultsSchema>;

function annotationOf(test: JUnitTestCase): CheckRunAnnotation | undefined {
  if ((test.status !== 'failed' && test.status !== 'errored') || !test.file) return undefined;
  return {
    path: test.file,
    start_line: test.line ?? 1,
    end_line: test.line ?? 1,
    annotation_level: 'failure',
    title: `${test.classname ? `${test.classname} › ` : ''}${test.name}`.slice(0, 255),
    message: (test.message ?? `${test.status}`).slice(0, 2000),
  };
}

/**
 * Parses a JUnit report (streaming) and collects its {@link StoredJUnitResults},
 * with NUL and lone surrogates replaced by U+FFFD (third-party content).
 * `stored` is meaningful only when `result.valid`. `onTestCase`, when given,
 * also receives every test case (awaited: back-pressure on the stream) — the
 * analytics store each result this way (`shared/analytics/ingest.ts`).
 */
export async function readJUnitResults(
  source: JUnitSource,
  maxBytes = DEFAULT_MAX_BYTES,
  onTestCase?: (test: JUnitTestCase) => Promise<void>,
): Promise<{ result: JUnitResult; stored: StoredJUnitResults }> {
  const stored: StoredJUnitResults = { version: 1, tests: [], annotations: [] };
  const result = await parseJUnit(source, {
    maxBytes,
    onTestCase: async (test) => {
      await onTestCase?.(test);
      if (test.tids.length > 0) {
        const { suite, classname, name, status, flaky } = test;
        stored.tests.push({ suite, classname, name, tids: [...test.tids], status, flaky });
      }
      const annotation = stored.annotations.length < MAX_ANNOTATIONS ? annotationOf(test) : undefined;
      if (annotation) stored.annotations.push(annotation);
    },
  });
  return { result, stored: toStorableJson(stored) };
}

/**
 * Merges the stored results of every report of one head SHA (matrix jobs):
 * the per-TID roll-up and the first {@link MAX_ANNOTATIONS} annotations.
 */
export function mergeJUnitResults(reports: readonly StoredJUnitResults[]): {
  summaries: Map<string, TidSummary>;
  annotations: CheckRunAnnotation[];
} {
  const summarizer = new TidSummarizer();
  const annotations: CheckRunAnnotation[] = [];
  for (const report of reports) {
    for (const test of report.tests) summarizer.add(test);
    for (const annotation of report.annotations) {
      if (annotations.length >= MAX_ANNOTATIONS) break;
      annotations.push(annotation);
    }
  }
  return { summaries: summarizer.summaries(), annotations };
}
