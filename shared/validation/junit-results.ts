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
import { parseCtrf } from '../reports/ctrf/index.ts';
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

/** Failed tests kept per report for the check's list and the comment (the rest are counted). */
export const MAX_FAILURES = 200;

/** Lines of a stack trace kept after the message line. */
export const STACK_LINES = 5;

/** A failed test as stored for the check's list. */
export type StoredFailure = NonNullable<StoredJUnitResults['failures']>[number];

/**
 * Splits a failure's text into its message (first non-empty line, at most 500
 * characters) and the first {@link STACK_LINES} lines after it.
 */
export function splitFailureText(text: string | undefined): { message: string; stack: string } {
  const lines = (text ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const [first = '', ...rest] = lines;
  return {
    message: first.trim().slice(0, 500),
    stack: rest
      .slice(0, STACK_LINES)
      .map((l) => l.replace(/\s+$/, '').slice(0, 300))
      .join('\n'),
  };
}

/**
 * Collects the {@link StoredJUnitResults} of one report from its test cases
 * (JUnit or CTRF: both give {@link JUnitTestCase} records). A test repeated
 * in the report (same suite, classname, name and file: retries written as
 * repeated `<testcase>` elements, issue 28) is one test whose status is its
 * last attempt's, as with Surefire's `<flakyFailure>`: failed or errored, then
 * passed = passed and flaky; passed, then failed = failed and flaky. Its
 * annotation and its entry in the failed list are the last failed attempt's,
 * and there are none when it passed in the end. Memory is bounded by what is
 * stored: keys are kept only for tagged, annotated or listed tests.
 */
export function createResultsCollector(): {
  add: (test: JUnitTestCase) => void;
  /** The collected results (read once all tests were added). */
  readonly stored: StoredJUnitResults;
  /** Failed tests beyond {@link MAX_FAILURES}, counted. */
  moreFailures: () => number;
} {
  const tests: StoredJUnitResults['tests'] = [];
  const tagged = new Map<string, { index: number; passed: boolean; broken: boolean }>();
  const annotated = new Map<string, number>();
  const annotations: (CheckRunAnnotation | undefined)[] = [];
  const listed = new Map<string, number>();
  const failures: (StoredFailure | undefined)[] = [];
  let more = 0;
  const failureOf = (test: JUnitTestCase): StoredFailure => {
    const { message, stack } = splitFailureText(test.message);
    return {
      suite: test.suite,
      classname: test.classname,
      name: test.name,
      status: test.status as StoredFailure['status'],
      message,
      stack,
      file: test.file ?? null,
      line: test.line ?? null,
      tids: [...test.tids],
    };
  };
  return {
    get stored(): StoredJUnitResults {
      return {
        version: 1,
        tests,
        annotations: annotations.filter((a): a is CheckRunAnnotation => a !== undefined),
        failures: failures.filter((f): f is StoredFailure => f !== undefined),
      };
    },
    moreFailures: () => more,
    add(test) {
      const keyed = test.tids.length > 0 || annotated.size > 0 || listed.size > 0 || broken(test.status);
      const key = keyed ? reportKey(test) : '';
      if (test.tids.length > 0) {
        const { suite, classname, name, status, flaky } = test;
        const seen = tagged.get(key);
        if (seen === undefined) {
          tagged.set(key, { index: tests.length, passed: status === 'passed', broken: broken(status) });
          tests.push({
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
          const entry = tests[seen.index]!;
          entry.status = status;
          entry.tids = [...new Set([...entry.tids, ...test.tids])];
          entry.flaky = entry.flaky || flaky || (seen.passed && seen.broken);
        }
      }
      const annotatedAt = key === '' ? undefined : annotated.get(key);
      if (annotatedAt !== undefined) {
        // A later attempt of an annotated failure replaces the annotation, or removes it when it passed.
        annotations[annotatedAt] = annotationOf(test);
        if (annotations[annotatedAt] === undefined) annotated.delete(key);
      } else {
        const annotation = annotations.length < MAX_ANNOTATIONS ? annotationOf(test) : undefined;
        if (annotation) {
          annotated.set(key, annotations.length);
          annotations.push(annotation);
        }
      }
      const listedAt = key === '' ? undefined : listed.get(key);
      if (listedAt !== undefined) {
        failures[listedAt] = broken(test.status) ? failureOf(test) : undefined;
        if (failures[listedAt] === undefined) listed.delete(key);
      } else if (broken(test.status)) {
        if (failures.length >= MAX_FAILURES) more += 1;
        else {
          listed.set(key, failures.length);
          failures.push(failureOf(test));
        }
      }
    },
  };
}

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
  /**
   * Failed and errored tests (at most {@link MAX_FAILURES}), for the check's
   * list of failures and the pull-request comment: message, the first lines
   * of the stack, and where. Absent in results stored before issue 30.
   */
  failures: z
    .array(
      z.object({
        suite: z.string(),
        classname: z.string(),
        name: z.string(),
        status: z.enum(['failed', 'errored']),
        message: z.string(),
        stack: z.string(),
        file: z.string().nullable(),
        line: z.number().int().nullable(),
        tids: z.array(z.string()),
      }),
    )
    .optional(),
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
  const collector = createResultsCollector();
  const result = await parseJUnit(source, {
    maxBytes,
    onTestCase: async (test) => {
      await onTestCase?.(test);
      collector.add(test);
    },
  });
  return { result, stored: toStorableJson(collector.stored) };
}

/** {@link readJUnitResults} for a CTRF report (JSON, read whole: `bytes` is at most `maxBytes`). */
export async function readCtrfResults(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_BYTES,
  onTestCase?: (test: JUnitTestCase) => Promise<void>,
): Promise<{ result: JUnitResult; stored: StoredJUnitResults }> {
  const collector = createResultsCollector();
  const result = await parseCtrf(bytes, {
    maxBytes,
    onTestCase: async (test) => {
      await onTestCase?.(test);
      collector.add(test);
    },
  });
  return { result, stored: toStorableJson(collector.stored) };
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
  failures: StoredFailure[];
} {
  // A test reported without a file is the test of that name in the one file other reports give it
  // (as in the analytics' identity); with none or several files it stays file-less.
  const filesByName = new Map<string, Set<string>>();
  for (const report of reports)
    for (const test of report.tests) {
      const file = identityFile(test.file);
      if (file === undefined) continue;
      const name = testKey({ ...test, file: undefined });
      filesByName.set(name, (filesByName.get(name) ?? new Set()).add(file));
    }
  const keyOf = (test: StoredJUnitResults['tests'][number]): string => {
    if (identityFile(test.file) !== undefined) return testKey(test);
    const files = filesByName.get(testKey({ ...test, file: undefined }));
    return files?.size === 1 ? testKey({ ...test, file: [...files][0] }) : testKey(test);
  };
  const outcomes = new Map<string, number>();
  for (const report of reports)
    for (const test of report.tests) {
      const key = keyOf(test);
      const bit = test.status === 'passed' ? 1 : broken(test.status) ? 2 : 0;
      outcomes.set(key, (outcomes.get(key) ?? 0) | bit);
    }
  const summarizer = new TidSummarizer({ flakyByIdentity: false });
  const annotations: CheckRunAnnotation[] = [];
  const failures: StoredFailure[] = [];
  for (const report of reports) {
    for (const test of report.tests)
      summarizer.add({ ...test, flaky: test.flaky || outcomes.get(keyOf(test)) === 3 });
    for (const annotation of report.annotations) {
      if (annotations.length >= MAX_ANNOTATIONS) break;
      annotations.push(annotation);
    }
    for (const failure of report.failures ?? []) failures.push(failure);
  }
  return { summaries: summarizer.summaries(), annotations, failures };
}

/**
 * Keeps only what an untrusted report may say: its failed, errored and
 * skipped tests (a fork's fabricated report cannot make a criterion pass;
 * its failures still count). Passed tests are dropped.
 */
export function failuresOnly(report: StoredJUnitResults): StoredJUnitResults {
  return { ...report, tests: report.tests.filter((t) => t.status !== 'passed') };
}
