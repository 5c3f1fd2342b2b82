/**
 * `parseJUnit`: the streaming entry point.
 *
 * @module
 */
import { decodeText } from './decode.ts';
import { InvalidReportError } from './invalid.ts';
import { DOCTYPE_REASON, PrologGuard } from './prolog-guard.ts';
import { JUnitSaxHandler } from './sax-handler.ts';
import type {
  JUnitCounts,
  JUnitResult,
  JUnitSource,
  JUnitTestCase,
  JUnitTestSuite,
  ParseJUnitOptions,
} from './types.ts';

/** Default size limit: 100 MB, as SPEC §4. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Default longest message kept per testcase. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 2000;

/**
 * Options come from code, not from uploads, so a bad one is a programming
 * error and throws. (This module stays free of zod on purpose: the parser runs
 * in memory-tight consumers, and zod is most of a bundle's size.)
 */
function option(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return value;
}

function invalid(reason: string, counts: JUnitCounts): JUnitResult {
  return { valid: false, reason, ...counts };
}

/**
 * Parses a JUnit XML report as a stream, in every dialect SPEC §4 lists
 * (pytest, jest-junit, Surefire, Gradle, TestNG, mocha, PHPUnit, gotestsum,
 * cargo-nextest, googletest, Catch2, nested suites, Surefire reruns …).
 *
 * Memory stays flat in the file size: the source is read chunk by chunk, each
 * testcase is handed to `onTestCase` when its element closes and then dropped,
 * and only counts are kept. Declared `tests=`/`failures=` attributes are
 * ignored; elements are counted. Each testcase gets one status by the
 * precedence error > failure > skipped > passed; reruns that end in a pass make
 * it `flaky`.
 *
 * Bad input never throws: an empty, truncated, non-XML or non-JUnit file, a
 * file with a DOCTYPE (entity bombs, XXE) or one over `maxBytes` resolves to
 * `{ valid: false, reason }`. The promise rejects only when the source itself
 * fails (an I/O error, worth a retry), when `onTestCase` throws, or for an
 * out-of-range option (a `RangeError`: a programming error, not bad input).
 *
 * @example
 * ```ts
 * const result = await parseJUnit(createReadStream('report.xml'), {
 *   onTestCase: (t) => summary.add(t),
 * });
 * if (!result.valid) console.error(result.reason);
 * ```
 */
export async function parseJUnit(source: JUnitSource, options: ParseJUnitOptions = {}): Promise<JUnitResult> {
  const maxBytes = option(options.maxBytes, DEFAULT_MAX_BYTES, 1, 'maxBytes');
  const maxMessageLength = option(
    options.maxMessageLength,
    DEFAULT_MAX_MESSAGE_LENGTH,
    16,
    'maxMessageLength',
  );
  const { onTestCase, onTestSuite } = options;
  // Records go to the callbacks as their elements close, synchronously while
  // the callbacks answer synchronously; once one returns a promise, the rest
  // of the chunk's records queue behind it, so each call still waits for the
  // previous one (back-pressure) and the order is kept.
  const pending: (JUnitTestCase | JUnitTestSuite)[] = [];
  const kinds: boolean[] = [];
  let waiting: Promise<void> | undefined;
  const send = (isCase: boolean, record: JUnitTestCase | JUnitTestSuite): void => {
    if (waiting !== undefined) {
      pending.push(record);
      kinds.push(isCase);
      return;
    }
    let done: void | Promise<void>;
    try {
      done = isCase ? onTestCase?.(record as JUnitTestCase) : onTestSuite?.(record as JUnitTestSuite);
    } catch (err) {
      throw new ConsumerError(err);
    }
    if (done !== undefined) waiting = done;
  };
  const handler = new JUnitSaxHandler({
    maxMessageLength,
    ...(onTestCase ? { emit: (record: JUnitTestCase) => send(true, record) } : {}),
    ...(onTestSuite ? { emitSuite: (record: JUnitTestSuite) => send(false, record) } : {}),
  });
  const guard = new PrologGuard();
  let sawText = false;

  const deliver = async (): Promise<void> => {
    while (waiting !== undefined) {
      await waiting;
      waiting = undefined;
      if (pending.length === 0) return;
      const records = pending.splice(0);
      const isCase = kinds.splice(0);
      for (let k = 0; k < records.length; k++) {
        const record = records[k] as JUnitTestCase | JUnitTestSuite;
        if (waiting !== undefined) {
          pending.push(record);
          kinds.push(isCase[k] as boolean);
          continue;
        }
        const done = isCase[k]
          ? onTestCase?.(record as JUnitTestCase)
          : onTestSuite?.(record as JUnitTestSuite);
        if (done !== undefined) waiting = done;
      }
    }
  };

  try {
    for await (const text of decodeText(source, maxBytes)) {
      sawText = true;
      if (!guard.done) {
        const verdict = guard.scan(text);
        if (verdict === 'doctype') return invalid(DOCTYPE_REASON, handler.counts);
        if (verdict === 'text-before-root') {
          return invalid('not XML: the file does not start with an XML element', handler.counts);
        }
      }
      parseSafely(() => handler.write(text));
      if (handler.reason !== undefined) return invalid(handler.reason, handler.counts);
      await deliver();
    }
  } catch (err) {
    if (err instanceof InvalidReportError) return invalid(err.reason, handler.counts);
    throw err;
  }
  if (!sawText) return invalid('empty file', handler.counts);
  try {
    parseSafely(() => handler.close());
  } catch (err) {
    if (err instanceof InvalidReportError) return invalid(err.reason, handler.counts);
    throw err;
  }
  if (handler.reason !== undefined) return invalid(handler.reason, handler.counts);
  await deliver();
  return { valid: true, ...handler.counts };
}

/** What `onTestCase`/`onTestSuite` threw while called from inside the parser. */
class ConsumerError extends Error {
  constructor(override readonly cause: unknown) {
    super('a parseJUnit callback threw');
  }
}

/**
 * Runs parser code, turning anything it throws into an invalid-report verdict,
 * except what a callback threw, which rejects `parseJUnit` as it is.
 */
function parseSafely(step: () => void): void {
  try {
    step();
  } catch (err) {
    if (err instanceof ConsumerError) throw err.cause;
    const message = err instanceof Error ? err.message : String(err);
    throw new InvalidReportError(`malformed XML: ${message}`);
  }
}
