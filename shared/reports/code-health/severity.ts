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

/**
 * GitHub code scanning's reading of a rule's `security-severity` property (a
 * CVSS-like 0–10 score, written by CodeQL and others): ≥ 9 critical, ≥ 7 high,
 * ≥ 4 medium, > 0 low. `undefined` when absent or not a number.
 */
export function severityFromSecurityScore(score: unknown): Severity | undefined {
  const value = typeof score === 'string' ? Number(score) : score;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  if (value > 0) return 'low';
  return 'info';
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
