/**
 * Mapping the severity vocabularies of real tools onto {@link Severity}.
 *
 * @module
 */
import type { Severity, SeverityCounts } from './types.ts';

const WORDS: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  blocker: 'critical',
  fatal: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  severe: 'high',
  medium: 'medium',
  moderate: 'medium',
  warning: 'medium',
  warn: 'medium',
  low: 'low',
  minor: 'low',
  note: 'low',
  info: 'info',
  information: 'info',
  informational: 'info',
  hint: 'info',
  none: 'info',
};

/**
 * A severity word from `code_health.json` (case-insensitive): critical /
 * blocker / fatal → critical; high / error / major / severe → high; medium /
 * moderate / warning / warn → medium; low / minor / note → low; info /
 * information / informational / hint / none → info. Unknown words → `undefined`.
 */
export function severityFromWord(word: string): Severity | undefined {
  return WORDS[word.trim().toLowerCase()];
}

/** SARIF `level` → severity: error → high, warning → medium, note → low, none → info. */
export const SARIF_LEVEL_SEVERITY: Readonly<Record<'error' | 'warning' | 'note' | 'none', Severity>> = {
  error: 'high',
  warning: 'medium',
  note: 'low',
  none: 'info',
};

/** GitHub's lowest `security-severity` band starts at 0.1. */
const LOWEST_SECURITY_SCORE = 0.1;
/** A decimal number as tools write it in a string (`"7.5"`, `" 9 "`, `"4."`). */
const NUMERIC = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/**
 * GitHub code scanning's reading of a rule's `security-severity` property (a
 * CVSS-like 0–10 score, written by CodeQL and others, as a number or a
 * string): ≥ 9 critical, ≥ 7 high, ≥ 4 medium, ≥ 0.1 low.
 *
 * `undefined` — "no security severity, use the level" — for anything else:
 * absent, not a number (`""`, `" "`, `"undefined"`, `"null"`, `"n/a"`; note
 * `Number("")` is 0, so strings are matched as decimals first), negative, or
 * below GitHub's lowest band (`"0"`, `"0.0"`).
 */
export function severityFromSecurityScore(score: unknown): Severity | undefined {
  let value: number;
  if (typeof score === 'number') value = score;
  else if (typeof score === 'string' && NUMERIC.test(score)) value = Number(score);
  else return undefined;
  if (!Number.isFinite(value) || value < LOWEST_SECURITY_SCORE) return undefined;
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  return 'low';
}

/** All-zero counts. */
export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** Findings per severity. */
export function countBySeverity(findings: Iterable<{ severity: Severity }>): SeverityCounts {
  const counts = emptyCounts();
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
