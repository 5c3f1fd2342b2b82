/**
 * Public types of the streaming JUnit XML parser.
 *
 * @module
 */

/**
 * The one status a testcase ends with. When a testcase carries several
 * outcomes the worst wins: `errored` > `failed` > `skipped` > `passed`.
 */
export type TestStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/**
 * One `<testcase>` element, as handed to {@link ParseJUnitOptions.onTestCase}.
 * Every property is always present (optional ones as `undefined`), so all
 * records share one shape.
 */
export interface JUnitTestCase {
  /** `name` of the innermost enclosing `<testsuite>` (`''` when there is none). */
  suite: string;
  /** The testcase's `classname` attribute (`''` when absent). */
  classname: string;
  /** The testcase's `name` attribute (`''` when absent). */
  name: string;
  /** Final status after applying the precedence error > failure > skipped > passed. */
  status: TestStatus;
  /**
   * `true` when the test passed in the end but failed or errored on an earlier
   * attempt (`<flakyFailure>`, `<flakyError>`, `<rerunFailure>`, `<rerunError>`).
   */
  flaky: boolean;
  /**
   * The `time` attribute (seconds) in milliseconds, when present and readable:
   * decimal points and decimal commas are read as `parseSeconds` explains
   * (`0,160` → 160, `14,029.255` → 14029255); negative, junk and ambiguous
   * values (`1,234`) leave it absent.
   */
  durationMs?: number;
  /**
   * The message of the element that decided the status (its `message` attribute,
   * else its text), truncated to {@link ParseJUnitOptions.maxMessageLength}. For
   * a flaky test, the message of its first failed attempt.
   */
  message?: string;
  /** The `file` attribute (pytest, googletest, PHPUnit, jest-junit …). */
  file?: string;
  /** The `line` attribute, when it is a positive integer. */
  line?: number;
  /** Test ids (`T12`) the testcase carries, deduplicated and sorted by number. */
  tids: readonly string[];
}

/** One `<testsuite>` element, as handed to {@link ParseJUnitOptions.onTestSuite} when it closes. */
export interface JUnitTestSuite {
  /** The suite's `name` attribute (`''` when absent). */
  name: string;
  /** Nesting level: 1 for an outermost suite, 2 for a suite inside it … */
  level: number;
  /** The `time` attribute in milliseconds (same reading as a testcase's `time`). */
  durationMs?: number;
  /** `<testcase>` elements inside it, nested suites included. */
  tests: number;
}

/** Counts taken from the elements of a report (declared `tests=`/`failures=` are never used). */
export interface JUnitCounts {
  /** Every `<testsuite>` element, nested ones included. */
  suites: number;
  /** Every `<testcase>` element. `passed + failed + errored + skipped === tests`. */
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Passed tests that needed a rerun (a subset of `passed`). */
  flaky: number;
  /**
   * `<error>`/`<failure>` elements placed directly under a `<testsuite>` (e.g. a
   * class that failed to load). They belong to no testcase, so they are not in
   * `tests`; a check run may still want to mention them.
   */
  suiteErrors: number;
}

/** The parse of a well-formed JUnit report. */
export interface JUnitValidResult extends JUnitCounts {
  valid: true;
}

/**
 * The parse of a file that is not a usable JUnit report. The counts hold what
 * was read before the problem was found and must not be used as results.
 */
export interface JUnitInvalidResult extends JUnitCounts {
  valid: false;
  /** A sentence for humans: what is wrong and, when known, where (`line:column`). */
  reason: string;
}

/** What {@link parseJUnit} resolves to. Check `valid` before using the counts. */
export type JUnitResult = JUnitValidResult | JUnitInvalidResult;

/** Bytes or text, all at once or in chunks (a Node `Readable` is an `AsyncIterable`). */
export type JUnitSource =
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/** Options of {@link parseJUnit}. */
export interface ParseJUnitOptions {
  /** The file is invalid once more bytes than this have been read. Default 100 MB. */
  maxBytes?: number;
  /** Longest `message` kept per testcase, in characters. Default 2,000. */
  maxMessageLength?: number;
  /**
   * Receives each testcase as soon as its element closes. It may return a
   * promise; the parser waits for it before reading on (back-pressure). If the
   * report turns out invalid later, discard what was received. An exception
   * thrown here rejects {@link parseJUnit}'s promise.
   */
  onTestCase?: (test: JUnitTestCase) => void | Promise<void>;
  /**
   * Receives each testsuite when its element closes (after its testcases),
   * awaited like {@link onTestCase}.
   */
  onTestSuite?: (suite: JUnitTestSuite) => void | Promise<void>;
}
