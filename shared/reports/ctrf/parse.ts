/**
 * Reading a CTRF report (Common Test Report Format, JSON; https://ctrf.io,
 * schema `ctrf-io/ctrf/schema/ctrf.schema.json`) into the same per-test
 * records the JUnit parser gives ({@link JUnitTestCase}), so CTRF uploads go
 * through the same validation, analytics and TID rules as JUnit.
 *
 * Mapping (CTRF → Assay):
 * - `status`: `passed` → passed, `failed` → failed (`errored` when
 *   `rawStatus` says `error`/`errored`/`broken`/`timedOut`), `skipped`,
 *   `pending` and `other` → skipped;
 * - `suite` (a string, or the newer array of names joined with ` › `) →
 *   suite; `filePath`/`line` → file/line; `message` + `trace` → message
 *   (the trace's lines follow the message's);
 * - `flaky: true` on a passed test, or `retries > 0` on a passed test → flaky;
 * - `duration` (ms) → durationMs;
 * - TIDs from the name and suite as in JUnit (`T12::…`, `[T12]`,
 *   `assay:T12`), plus `tags` (`T12`, `@T12`) and `extra.tid`/`extra.test_id`.
 *
 * Never throws on bad input: a file that is not CTRF is `{ valid: false, reason }`.
 *
 * @module
 */
import { z } from 'zod';
import { decodeReport } from '../encoding.ts';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_MESSAGE_LENGTH,
  extractTids,
  type JUnitResult,
  type JUnitTestCase,
  type TestStatus,
} from '../junit/index.ts';

const optionalText = z.string().optional().catch(undefined);

const testSchema = z.object({
  name: z.string(),
  status: z.string(),
  duration: z.number().nonnegative().optional().catch(undefined),
  message: optionalText,
  trace: optionalText,
  rawStatus: optionalText,
  suite: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .catch(undefined),
  filePath: optionalText,
  line: z.number().int().positive().optional().catch(undefined),
  retries: z.number().int().nonnegative().optional().catch(undefined),
  flaky: z.boolean().optional().catch(undefined),
  tags: z.array(z.string()).optional().catch(undefined),
  extra: z.record(z.string(), z.unknown()).optional().catch(undefined),
  attachments: z
    .array(z.object({ name: z.string(), contentType: z.string(), path: z.string() }))
    .optional()
    .catch(undefined),
});

/** One CTRF test as read (the fields Assay uses). */
export type CtrfTest = z.infer<typeof testSchema>;

const reportSchema = z.object({
  reportFormat: z.literal('CTRF').optional(),
  results: z.object({
    tool: z.object({ name: z.string() }),
    tests: z.array(z.unknown()),
  }),
});

/** Options of {@link parseCtrf}. */
export interface ParseCtrfOptions {
  /** Larger inputs are invalid. Default 100 MB (as for JUnit). */
  maxBytes?: number;
  /** Longest message kept per test, in characters. Default 2,000. */
  maxMessageLength?: number;
  /** Receives each test (awaited: the analytics store results this way). */
  onTestCase?: (test: JUnitTestCase) => void | Promise<void>;
}

const ERRORED_RAW = new Set(['error', 'errored', 'broken', 'timedout', 'interrupted']);

function statusOf(test: CtrfTest): TestStatus {
  switch (test.status) {
    case 'passed':
      return 'passed';
    case 'failed':
      return ERRORED_RAW.has((test.rawStatus ?? '').toLowerCase()) ? 'errored' : 'failed';
    default:
      return 'skipped';
  }
}

function tidValues(test: CtrfTest): string[] {
  const values = (test.tags ?? []).map((tag) => tag.replace(/^@/, ''));
  for (const key of ['tid', 'test_id']) {
    const value = test.extra?.[key];
    if (typeof value === 'string') values.push(value);
  }
  return values;
}

/** A CTRF test as the record the JUnit parser gives for a testcase. */
export function ctrfTestCase(test: CtrfTest, maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH): JUnitTestCase {
  const status = statusOf(test);
  const suite = Array.isArray(test.suite) ? test.suite.join(' › ') : (test.suite ?? '');
  const text = [test.message, test.trace].filter((t): t is string => !!t && t.trim() !== '').join('\n');
  const flaky = status === 'passed' && (test.flaky === true || (test.retries ?? 0) > 0);
  return {
    suite,
    classname: '',
    name: test.name,
    status,
    flaky,
    ...(test.duration === undefined ? {} : { durationMs: Math.round(test.duration) }),
    ...(text === '' || status === 'passed' ? {} : { message: text.slice(0, maxMessageLength) }),
    ...(test.filePath ? { file: test.filePath } : {}),
    ...(test.line === undefined ? {} : { line: test.line }),
    tids: extractTids(test.name, suite, tidValues(test)),
  };
}

/** True when `json` has CTRF's shape (`results.tool`, `results.tests`). */
export function looksLikeCtrf(json: unknown): boolean {
  return reportSchema.safeParse(json).success;
}

const empty = { suites: 0, tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, flaky: 0, suiteErrors: 0 };

/**
 * Parses a CTRF report held in memory (`maxBytes` caps it before decoding;
 * UTF-8/UTF-16 with BOM as for JUnit). Counts come from the tests, never
 * from `results.summary`. Each test goes to `onTestCase`, in order.
 */
export async function parseCtrf(
  input: string | Uint8Array,
  options: ParseCtrfOptions = {},
): Promise<JUnitResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size === 0) return { ...empty, valid: false, reason: 'empty file' };
  if (size > maxBytes)
    return { ...empty, valid: false, reason: `report is larger than the limit of ${maxBytes} bytes` };
  let text: string;
  try {
    text = decodeReport(input);
  } catch (error) {
    // An undecodable byte sequence (the JUnit decoder's InvalidReportError carries the reason).
    const reason =
      error instanceof Error && 'reason' in error && typeof error.reason === 'string'
        ? error.reason
        : 'not text';
    return { ...empty, valid: false, reason };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ...empty,
      valid: false,
      reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const report = reportSchema.safeParse(json);
  if (!report.success) {
    return {
      ...empty,
      valid: false,
      reason: 'not a CTRF report: expected {"results": {"tool": {"name": …}, "tests": [...]}}',
    };
  }
  const counts = { ...empty };
  const suites = new Set<string>();
  for (const [index, raw] of report.data.results.tests.entries()) {
    const parsed = testSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        ...counts,
        suites: suites.size,
        valid: false,
        reason: `results.tests[${index}] is not a CTRF test (it needs a "name" and a "status")`,
      };
    }
    const test = ctrfTestCase(parsed.data, options.maxMessageLength);
    counts.tests += 1;
    counts[test.status] += 1;
    if (test.flaky) counts.flaky += 1;
    suites.add(test.suite);
    await options.onTestCase?.(test);
  }
  return { ...counts, suites: suites.size, valid: true };
}
