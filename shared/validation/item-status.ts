import type { TidSummary } from '../reports/junit/index.ts';

export type ItemStatus = 'passed' | 'failed' | 'skipped' | 'missing';

export interface ExpectedItem {
  issue: { owner: string; repo: string; number: number };
  tid: number;
  text: string;
}

export interface ItemResult extends ExpectedItem {
  status: ItemStatus;
  flaky: boolean;
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
}

export type Conclusion = 'success' | 'failure' | 'action_required' | 'neutral';

/**
 * An item's status for a head SHA from the merged TID roll-up: passed when it
 * has tests and all passed; failed when any failed or errored; skipped when
 * none ran; missing when no test carries its TID.
 */
export function itemResult(item: ExpectedItem, summary: TidSummary | undefined): ItemResult {
  if (!summary || summary.tests === 0) {
    return {
      ...item,
      status: 'missing',
      flaky: false,
      tests: 0,
      passed: 0,
      failed: 0,
      errored: 0,
      skipped: 0,
    };
  }
  const status: ItemStatus =
    summary.failed > 0 || summary.errored > 0
      ? 'failed'
      : summary.passed === summary.tests
        ? 'passed'
        : 'skipped';
  return {
    ...item,
    status,
    flaky: summary.flaky,
    tests: summary.tests,
    passed: summary.passed,
    failed: summary.failed,
    errored: summary.errored,
    skipped: summary.skipped,
  };
}

/**
 * The check's conclusion: success when every expected item passed, failure
 * when any failed, action required when some are missing or only skipped;
 * neutral when nothing is expected.
 */
export function conclusionOf(results: readonly ItemResult[]): Conclusion {
  if (results.length === 0) return 'neutral';
  if (results.some((r) => r.status === 'failed')) return 'failure';
  if (results.every((r) => r.status === 'passed')) return 'success';
  return 'action_required';
}
