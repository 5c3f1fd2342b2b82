/**
 * The gate of the `Assay` check (issue 19): which failing tests of a head
 * commit block it. Pure; the inputs are read by `gate-inputs.ts`.
 *
 * - **`all`** (the default): every failed or errored test blocks, tagged
 *   with a TID or not.
 * - **`regressions`**: a failing test blocks unless it failed or errored on
 *   the base too — then it is a *known failure*, listed, not blocking. The
 *   base is the base branch's latest commit with test results at or before
 *   the merge base of the pull request (GitHub's compare API); a test the
 *   base did not run (new, or skipped there) did not fail there, so it
 *   blocks. With no base found (no pull request, no results on the base
 *   branch), every failing test blocks, as in `all`.
 * - **`quarantine`** (either mode): a test an entry in force names (owner,
 *   reason, expiry; see `quarantine.ts`) does not block; it is listed with
 *   them. Once the entry expires, the test is back in the gate.
 * - **`quarantineFlaky`** (either mode): a test flagged flaky — on a commit
 *   within `ASSAY_FLAKY_WINDOW_DAYS`, or on the head commit itself — does not
 *   block; it is listed as quarantined.
 *
 * Criteria rules do not change: a criterion is proven only by passing tests,
 * so a criterion whose only failures are known or quarantined leaves the
 * check at action required, never success.
 *
 * @module
 */
import type { TestResultStatus } from '../db/database.ts';
import { type QuarantineEntry, quarantineOf } from './quarantine.ts';

export type GateMode = 'all' | 'regressions';

/** A test that failed or errored on the head commit. */
export interface FailingTest {
  id: string;
  suite: string;
  classname: string;
  name: string;
  /** The test's file, when its reports give one. */
  file?: string | null;
  tids: string[];
  status: 'failed' | 'errored';
  /** Flaky within the window or on the head commit. */
  flaky: boolean;
}

/** The commit failing tests are compared with. */
export interface BaseCommit {
  sha: string;
  branch: string;
  /** `merge base`: the merge base itself has results; `before merge base`: the latest before it; `latest`: merge base unknown. */
  how: 'merge base' | 'before merge base' | 'latest';
}

/** A failing test with its status on the base (`not run` when the base has no result for it; null: no base). */
export interface GatedTest extends FailingTest {
  baseStatus: TestResultStatus | 'not run' | null;
  /** The per-test quarantine entry that keeps it from blocking (`byOwner` list). */
  quarantine?: QuarantineEntry;
}

export interface GateInput {
  mode: GateMode;
  quarantineFlaky: boolean;
  /** The failing tests read (at most a bound; `failingTotal` counts them all). */
  failing: readonly FailingTest[];
  failingTotal: number;
  base: BaseCommit | null;
  /** Worst status of each failing test on the base commit. */
  baseStatus: ReadonlyMap<string, TestResultStatus>;
  /** Per-test quarantine (the `quarantine` setting) and the UTC day it is judged on (`YYYY-MM-DD`). */
  quarantine?: { entries: readonly QuarantineEntry[]; today: string };
}

export interface GateDecision {
  mode: GateMode;
  quarantineFlaky: boolean;
  base: BaseCommit | null;
  blocking: GatedTest[];
  knownFailures: GatedTest[];
  quarantined: GatedTest[];
  /** Failing tests quarantined by their owners (the `quarantine` setting, in force): listed, not blocking. */
  quarantinedByOwner: GatedTest[];
  /** Failing tests beyond those read: they block (their base status is not looked up). */
  unlisted: number;
}

/** Sorts failing tests into blocking, known failures and quarantined (see the module's rules). */
export function decideGate(input: GateInput): GateDecision {
  const decision: GateDecision = {
    mode: input.mode,
    quarantineFlaky: input.quarantineFlaky,
    base: input.base,
    blocking: [],
    knownFailures: [],
    quarantined: [],
    quarantinedByOwner: [],
    unlisted: Math.max(0, input.failingTotal - input.failing.length),
  };
  for (const test of input.failing) {
    const gated: GatedTest = {
      ...test,
      baseStatus: input.base === null ? null : (input.baseStatus.get(test.id) ?? 'not run'),
    };
    const entry = input.quarantine
      ? quarantineOf(input.quarantine.entries, test, input.quarantine.today)
      : undefined;
    if (entry) decision.quarantinedByOwner.push({ ...gated, quarantine: entry });
    else if (input.quarantineFlaky && test.flaky) decision.quarantined.push(gated);
    else if (
      input.mode === 'regressions' &&
      (gated.baseStatus === 'failed' || gated.baseStatus === 'errored')
    )
      decision.knownFailures.push(gated);
    else decision.blocking.push(gated);
  }
  return decision;
}

/** Number of tests that block the check. */
export function blockingCount(decision: GateDecision): number {
  return decision.blocking.length + decision.unlisted;
}

/**
 * The check's conclusion from the criteria's and the gate's: failure when a
 * test blocks; a criteria failure whose failing tests are all known or
 * quarantined becomes action required (not proven, not blocked). When no
 * failing test was read at all (reports stored before per-test results
 * existed), the criteria's conclusion stands.
 */
export function gatedConclusion<C extends string>(
  criteria: C | 'failure',
  decision: GateDecision,
  failingTotal: number,
) {
  if (blockingCount(decision) > 0) return 'failure' as const;
  if (criteria === 'failure' && failingTotal > 0) return 'action_required' as const;
  return criteria;
}

/** One sentence naming the mode that decided and the base, for the check summary. */
export function gateLine(decision: GateDecision): string {
  const mode =
    decision.mode === 'all'
      ? 'Gate: **all failing tests** block (`all`)'
      : 'Gate: **regressions only** (`regressions`): a failing test blocks unless it also failed on the base';
  const quarantine = decision.quarantineFlaky ? '; flaky tests are quarantined (do not block)' : '';
  const base = decision.base
    ? ` Base: \`${decision.base.sha.slice(0, 7)}\` on \`${decision.base.branch}\` (${
        decision.base.how === 'merge base'
          ? 'the merge base'
          : decision.base.how === 'before merge base'
            ? 'the latest commit with test results at or before the merge base'
            : 'the latest commit with test results; merge base unknown'
      }).`
    : decision.mode === 'regressions'
      ? ' No base with test results was found, so every failing test blocks.'
      : '';
  return `${mode}${quarantine}.${base}`;
}
