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
import { identityFile, normalisePart } from '../analytics/identity.ts';
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
      /** The testcase's `file` as the report gave it (part of the test's identity); absent in older rows. */
      file: z.string().optional(),
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

/** The key of a test within reports: suite, classname, name and file, as `testIdentity` normalises them. */
function testKey(test: {
  suite: string;
  classname: string;
  name: string;
  file?: string | undefined;
}): string {
  const file = identityFile(test.file) ?? '';
  return `${normalisePart(test.suite)}\0${normalisePart(test.classname)}\0${normalisePart(test.name)}\0${file}`;
}

/** The key of a test within one report: its attempts come from one reporter, spelled alike. */
const reportKey = (test: JUnitTestCase) =>
  `${test.suite}\0${test.classname}\0${test.name}\0${test.file ?? ''}`;

const broken = (status: JUnitTestCase['status']) => status === 'failed' || status === 'errored';

/**
 * Parses a JUnit report (streaming) and collects its {@link StoredJUnitResults},
 * with NUL and lone surrogates replaced by U+FFFD (third-party content).
 * `stored` is meaningful only when `result.valid`. `onTestCase`, when given,
 * also receives every test case (awaited: back-pressure on the stream) — the
 * analytics store each result this way (`shared/analytics/ingest.ts`).
 *
 * A test repeated in the report (same suite, classname, name and file:
 * retries written as repeated `<testcase>` elements, issue 28) is one test
 * whose status is its last attempt's, as with Surefire's `<flakyFailure>`:
 * failed or errored, then passed = passed and flaky; passed, then failed =
 * failed and flaky. Its annotation is the last failed attempt's, and none
 * when it passed in the end.
 */
export async function readJUnitResults(
  source: JUnitSource,
  maxBytes = DEFAULT_MAX_BYTES,
  onTestCase?: (test: JUnitTestCase) => Promise<void>,
): Promise<{ result: JUnitResult; stored: StoredJUnitResults }> {
  const stored: StoredJUnitResults = { version: 1, tests: [], annotations: [] };
  // Tagged tests and annotated failures by key (both bounded by what is stored anyway).
  const tagged = new Map<string, { index: number; passed: boolean; broken: boolean }>();
  const annotated = new Map<string, number>();
  let annotations: (CheckRunAnnotation | undefined)[] = [];
  const result = await parseJUnit(source, {
    maxBytes,
    onTestCase: async (test) => {
      await onTestCase?.(test);
      const key = test.tids.length > 0 || annotated.size > 0 ? reportKey(test) : '';
      if (test.tids.length > 0) {
        const { suite, classname, name, status, flaky } = test;
        const seen = tagged.get(key);
        if (seen === undefined) {
          tagged.set(key, {
            index: stored.tests.length,
            passed: status === 'passed',
            broken: broken(status),
          });
          stored.tests.push({
            suite,
            classname,
            name,
            ...(test.file ? { file: test.file } : {}),
            tids: [...test.tids],
            status,
            flaky,
          });
        } else {
          // A retry: the last attempt decides the status; passing and failing attempts make it flaky.
          seen.passed ||= status === 'passed';
          seen.broken ||= broken(status);
          const entry = stored.tests[seen.index]!;
          entry.status = status;
          entry.tids = [...new Set([...entry.tids, ...test.tids])];
          entry.flaky = entry.flaky || flaky || (seen.passed && seen.broken);
        }
      }
      const previous = key === '' ? undefined : annotated.get(key);
      if (previous !== undefined) {
        // A later attempt of an annotated failure: it replaces the annotation, or removes it when it passed.
        annotations[previous] = annotationOf(test);
        if (annotations[previous] === undefined) annotated.delete(key);
        return;
      }
      const annotation = annotations.length < MAX_ANNOTATIONS ? annotationOf(test) : undefined;
      if (annotation) {
        annotated.set(key === '' ? reportKey(test) : key, annotations.length);
        annotations.push(annotation);
      }
    },
  });
  stored.annotations = annotations.filter((a): a is CheckRunAnnotation => a !== undefined);
  annotations = [];
  return { result, stored: toStorableJson(stored) };
}

/**
 * Merges the stored results of every report of one head SHA (matrix jobs):
 * the per-TID roll-up and the first {@link MAX_ANNOTATIONS} annotations. A
 * test (suite, classname, name and file) that passed in one report and
 * failed or errored in another is flaky; the same name in two files is two
 * tests.
 */
export function mergeJUnitResults(reports: readonly StoredJUnitResults[]): {
  summaries: Map<string, TidSummary>;
  annotations: CheckRunAnnotation[];
} {
  const outcomes = new Map<string, number>();
  for (const report of reports)
    for (const test of report.tests) {
      const key = testKey(test);
      const bit = test.status === 'passed' ? 1 : broken(test.status) ? 2 : 0;
      outcomes.set(key, (outcomes.get(key) ?? 0) | bit);
    }
  const summarizer = new TidSummarizer({ flakyByIdentity: false });
  const annotations: CheckRunAnnotation[] = [];
  for (const report of reports) {
    for (const test of report.tests)
      summarizer.add({ ...test, flaky: test.flaky || outcomes.get(testKey(test)) === 3 });
    for (const annotation of report.annotations) {
      if (annotations.length >= MAX_ANNOTATIONS) break;
      annotations.push(annotation);
    }
  }
  return { summaries: summarizer.summaries(), annotations };
}
