import { matchItems } from '../similarity/match-items.ts';

/**
 * Precision/recall of extracted criteria against expected ones. An extracted
 * item is correct when it equals an expected one after normalization, or is
 * similar enough to it ({@link textSimilarity} ≥ threshold); one-to-one.
 */

/** Minimum similarity for an extracted item to count as an expected one. */
export const DEFAULT_EVALUATION_THRESHOLD = 0.8;

/** Outcome for one issue. */
export interface CaseEvaluation {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); 1 when nothing was extracted. */
  readonly precision: number;
  /** TP / (TP + FN); 1 when nothing was expected. */
  readonly recall: number;
  /** Expected items that were not extracted. */
  readonly missed: string[];
  /** Extracted items that were not expected. */
  readonly unexpected: string[];
}

/** Micro-averaged outcome over a corpus. */
export interface CorpusEvaluation {
  readonly cases: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/** Compares one issue's extracted item texts with the expected ones. */
export function evaluateCase(
  extracted: readonly string[],
  expected: readonly string[],
  threshold = DEFAULT_EVALUATION_THRESHOLD,
): CaseEvaluation {
  const previous = expected.map((text, i) => ({ tid: String(i), text }));
  const matches = matchItems(previous, extracted, { threshold });
  const hit = new Set(matches.map((m) => m.tid).filter((t): t is string => t !== null));
  const unexpected = extracted.filter((_, i) => matches[i]!.tid === null);
  const missed = expected.filter((_, i) => !hit.has(String(i)));
  const truePositives = hit.size;
  return {
    truePositives,
    falsePositives: unexpected.length,
    falseNegatives: missed.length,
    precision: ratio(truePositives, truePositives + unexpected.length),
    recall: ratio(truePositives, truePositives + missed.length),
    missed,
    unexpected,
  };
}

/** Sums case outcomes into corpus-wide (micro-averaged) precision, recall and F1. */
export function evaluateCorpus(cases: readonly CaseEvaluation[]): CorpusEvaluation {
  const tp = cases.reduce((n, c) => n + c.truePositives, 0);
  const fp = cases.reduce((n, c) => n + c.falsePositives, 0);
  const fn = cases.reduce((n, c) => n + c.falseNegatives, 0);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    cases: cases.length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1,
  };
}
