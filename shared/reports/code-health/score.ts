/**
 * The 0–100 code-health score and its comparison with the base branch. The
 * formula is documented in `README.md` beside this file.
 *
 * @module
 */
import { countBySeverity } from './severity.ts';
import { SEVERITIES, type Severity, type SeverityCounts } from './types.ts';

/** Points one finding of each severity costs at first (the first of a kind costs the weight, in full). */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 25,
  high: 10,
  medium: 4,
  low: 1,
  info: 0,
};

/**
 * `score = max(0, round(100 − Σ weight(s) × log2(1 + count(s))))` over the
 * severities s. Each severity's penalty grows with the logarithm of its count
 * (diminishing returns: the 1st finding costs the weight, it takes 3 to cost
 * twice that, 7 for three times), so one critical always hurts more than many
 * lows, and a clean report scores 100.
 */
export function computeScore(counts: Partial<SeverityCounts>): number {
  let penalty = 0;
  for (const severity of SEVERITIES) {
    const n = Math.max(0, counts[severity] ?? 0);
    penalty += SEVERITY_WEIGHTS[severity] * Math.log2(1 + n);
  }
  return Math.max(0, Math.round(100 - penalty));
}

/** {@link computeScore} of a list of findings. */
export function scoreFindings(findings: Iterable<{ severity: Severity }>): number {
  return computeScore(countBySeverity(findings));
}

/** How a run's score moved against the base branch's latest run. */
export interface ScoreComparison {
  current: number;
  /** `null` when the base branch has no scored run yet. */
  base: number | null;
  /** `current − base`, or `null` without a base. */
  delta: number | null;
  trend: 'improved' | 'regressed' | 'unchanged' | 'no-base';
}

/** Compares a score with the base branch's (absent → `no-base`). */
export function compareScores(current: number, base: number | null | undefined): ScoreComparison {
  if (base === null || base === undefined) return { current, base: null, delta: null, trend: 'no-base' };
  const delta = current - base;
  const trend = delta > 0 ? 'improved' : delta < 0 ? 'regressed' : 'unchanged';
  return { current, base, delta, trend };
}
