/**
 * How relevant a pull request's change is to a checklist item (SPEC §3): the
 * item's content words (stop-words removed, crudely stemmed) matched against
 * the words of changed paths (strong evidence) and the identifiers of added
 * lines (medium evidence).
 *
 * Each matching word is evidence `e = 1 - (1 - 0.55·s_path)(1 - 0.3·s_id)`,
 * where `s = min(1, √(4 / n))` discounts words found in many (`n`) files
 * (`user`, `api` in a large PR); a word matched only in test files counts
 * half. Words combine as a noisy-or,
 * `score = 1 - Π(1 - e)`, so one exact file hit gives ~0.55, a file plus an
 * identifier ~0.7, and unrelated changes 0.
 *
 * @module
 */
import type { DiffAnalysis } from './diff.ts';
import { type Postings, relevanceIndex } from './relevance-index.ts';
import { contentWords, stem } from './words.ts';

/** What {@link scoreRelevance} returns. */
export interface Relevance {
  /** 0..1, two decimals. */
  score: number;
  /** Why, strongest first; at most 3. */
  reasons: string[];
  /** The most relevant changed source (non-test) files; at most 3. */
  files: string[];
}

const PATH_WEIGHT = 0.55;
const IDENTIFIER_WEIGHT = 0.3;
const MAX_REASONS = 3;
const MAX_FILES = 3;

function specificity(n: number): number {
  return n === 0 ? 0 : Math.min(1, Math.sqrt(4 / n));
}

interface Reason {
  text: string;
  weight: number;
  word: string;
}

/** Matches only in test files count half: tests echo the item's words without implementing them. */
const TEST_ONLY_FACTOR = 0.5;

function credit(
  postings: Postings | undefined,
  weight: number,
  analysis: DiffAnalysis,
  fileWeights: Map<number, number>,
): { w: number; first?: { file: number; name: string } } {
  if (postings === undefined || postings.files.length === 0) return { w: 0 };
  const base = weight * specificity(postings.files.length);
  let first: { file: number; name: string } | undefined;
  for (let k = 0; k < postings.files.length; k++) {
    const f = postings.files[k]!;
    const isTest = analysis.files[f]!.isTest;
    fileWeights.set(f, (fileWeights.get(f) ?? 0) + (isTest ? base * TEST_ONLY_FACTOR : base));
    if (first === undefined && !isTest) first = { file: f, name: postings.names[k]! };
  }
  if (first !== undefined) return { w: base, first };
  return { w: base * TEST_ONLY_FACTOR, first: { file: postings.files[0]!, name: postings.names[0]! } };
}

/**
 * Scores a checklist item against a diff analysis: a 0..1 score (two
 * decimals), up to three reasons (`path src/auth/email.ts matches "email"`,
 * `identifier validateEmail matches "email"`) and up to three most relevant
 * changed source files.
 */
export function scoreRelevance(itemText: string, analysis: DiffAnalysis): Relevance {
  const index = relevanceIndex(analysis);
  const fileWeights = new Map<number, number>();
  const reasons: Reason[] = [];
  let miss = 1;
  const seen = new Set<string>();
  for (const word of contentWords(itemText)) {
    const s = stem(word);
    if (seen.has(s)) continue;
    seen.add(s);
    const p = credit(index.path.get(s), PATH_WEIGHT, analysis, fileWeights);
    const i = credit(index.identifier.get(s), IDENTIFIER_WEIGHT, analysis, fileWeights);
    if (p.first) {
      const path = analysis.files[p.first.file]!.path;
      reasons.push({ text: `path ${path} matches "${word}"`, weight: p.w, word });
    }
    if (i.first) reasons.push({ text: `identifier ${i.first.name} matches "${word}"`, weight: i.w, word });
    miss *= (1 - p.w) * (1 - i.w);
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const files = [...fileWeights]
    .filter(([f]) => !analysis.files[f]!.isTest)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, MAX_FILES)
    .map(([f]) => analysis.files[f]!.path);
  return {
    score: Math.round((1 - miss) * 100) / 100,
    reasons: reasons.slice(0, MAX_REASONS).map((r) => r.text),
    files,
  };
}
