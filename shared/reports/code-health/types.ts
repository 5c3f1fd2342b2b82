/**
 * Types of code-health findings, whatever tool reported them.
 *
 * @module
 */

/** Severities, most severe first. Every input vocabulary is mapped onto these. */
/** Default size limit of a code-health report: 100 MB, as for JUnit reports. */
export const DEFAULT_CODE_HEALTH_MAX_BYTES = 100 * 1024 * 1024;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** SARIF `baselineState` values: how a result compares with the baseline run. */
export const BASELINE_STATES = ['new', 'unchanged', 'updated', 'absent'] as const;

/** One of {@link BASELINE_STATES}. */
export type BaselineState = (typeof BASELINE_STATES)[number];

/** One problem a code-health tool reported. */
export interface Finding {
  /** Rule or check id (`no-unused-vars`, `js/sql-injection`, `python.lang.security…`). */
  rule: string;
  severity: Severity;
  /** Path of the file, as the tool wrote it (SARIF: the artifact URI). */
  file?: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
  /** SARIF `baselineState` when the tool compared with a baseline (`absent` results are not findings). */
  baselineState?: Exclude<BaselineState, 'absent'>;
  /**
   * SARIF: the result's `ruleIndex` named a rule whose id is not its `ruleId`;
   * the rule with that id was used.
   */
  ruleIndexMismatch?: { ruleIndex: number; ruleIdAtIndex: string };
}

/** Number of findings per severity. */
export type SeverityCounts = Record<Severity, number>;

/** Formats {@link parseCodeHealth} recognises. */
export type CodeHealthFormat = 'code-health-json' | 'sarif';

/** A readable code-health report. */
export interface CodeHealthValidResult {
  valid: true;
  format: CodeHealthFormat;
  findings: Finding[];
  counts: SeverityCounts;
  /** The 0–100 score of the findings (see `computeScore`). */
  score: number;
  /**
   * Findings whose SARIF `baselineState` is `new`; present only when the file
   * carries baseline states.
   */
  newFindings?: number;
}

/** A file that is not a usable code-health report. */
export interface CodeHealthInvalidResult {
  valid: false;
  /** What is wrong, for humans (zod issues name the JSON path). */
  reason: string;
}

/** What the code-health parsers return. Check `valid` first. */
export type CodeHealthResult = CodeHealthValidResult | CodeHealthInvalidResult;
