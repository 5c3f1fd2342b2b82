/**
 * Per-TID roll-up of testcases: the raw material of pull-request validation.
 *
 * @module
 */
import { IdentityFlags } from './identity-flags.ts';
import { worseStatus } from './status.ts';
import { hash53 } from './strings.ts';
import type { JUnitTestCase, TestStatus } from './types.ts';

/** What is known about one TID across the tests that carry it. */
export interface TidSummary {
  tid: string;
  /**
   * The worst status among its tests (errored > failed > skipped > passed): so
   * `passed` means every test passed, `skipped` that none failed but not all
   * passed.
   */
  status: TestStatus;
  /** Number of testcases carrying the TID (a test run twice counts twice). */
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /**
   * A test of this TID passed after a rerun, or the same test (suite, classname,
   * name) both passed and failed or errored among the reports added.
   */
  flaky: boolean;
}

/** The fields of a testcase the roll-up needs. */
export type TidTest = Pick<JUnitTestCase, 'tids' | 'status' | 'flaky' | 'suite' | 'classname' | 'name'>;

const PASSED = 1;
const BROKEN = 2;

/**
 * Accumulates testcases — from one report or several (matrix jobs of one SHA)
 * — into a summary per TID. Pass `add` as `onTestCase` to roll up while
 * streaming; it keeps one small entry per tagged test, nothing for untagged ones.
 */
export class TidSummarizer {
  private readonly byTid = new Map<string, TidSummary>();
  /**
   * Outcomes seen per test identity (a 53-bit hash of suite, classname and
   * name — 9 bytes per tagged test, not its strings), to spot a test that both
   * passed and failed; absent when the caller does not need `flaky` per TID.
   */
  private readonly outcomes: IdentityFlags | undefined;

  /**
   * `options.flakyByIdentity` (default true): mark a TID flaky when one test
   * (same suite, classname, name) both passed and failed. `false` skips that
   * bookkeeping — for callers that read only statuses and counts (the CLI),
   * which then costs nothing per tagged test.
   */
  constructor(options: { flakyByIdentity?: boolean } = {}) {
    this.outcomes = options.flakyByIdentity === false ? undefined : new IdentityFlags();
  }

  /** Adds one testcase (a no-op when it carries no TID). */
  readonly add = (test: TidTest): void => {
    if (test.tids.length === 0) return;
    const bit = test.status === 'passed' ? PASSED : test.status === 'skipped' ? 0 : BROKEN;
    const mixed =
      this.outcomes !== undefined &&
      this.outcomes.or(hash53(test.suite, test.classname, test.name), bit) === (PASSED | BROKEN);
    for (const tid of test.tids) {
      let entry = this.byTid.get(tid);
      if (entry === undefined) {
        entry = {
          tid,
          status: test.status,
          tests: 0,
          passed: 0,
          failed: 0,
          errored: 0,
          skipped: 0,
          flaky: false,
        };
        this.byTid.set(tid, entry);
      }
      entry.tests++;
      entry[test.status]++;
      entry.status = worseStatus(entry.status, test.status);
      if (test.flaky || mixed) entry.flaky = true;
    }
  };

  /** Summaries by TID, in the order TIDs were first seen. */
  summaries(): Map<string, TidSummary> {
    return this.byTid;
  }

  /** `{ T12: "passed", T13: "failed" }` — the shape the CLI prints. */
  statuses(): Record<string, TestStatus> {
    const out: Record<string, TestStatus> = {};
    for (const [tid, entry] of this.byTid) out[tid] = entry.status;
    return out;
  }
}

/** One-shot roll-up of already collected testcases. */
export function summarizeByTid(tests: Iterable<TidTest>): Map<string, TidSummary> {
  const summarizer = new TidSummarizer();
  for (const test of tests) summarizer.add(test);
  return summarizer.summaries();
}
