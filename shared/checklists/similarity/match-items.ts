import { type PreparedText, preparedSimilarity, prepareText } from './similarity.ts';

/** An item of the previous checklist version. */
export interface PreviousItem {
  readonly tid: string;
  readonly text: string;
}

/** How one item of the new version relates to the previous version. */
export interface ItemMatch {
  /** The previous item's TID it keeps, or null for a new item. */
  readonly tid: string | null;
  /** `exact`: equal after normalization; `fuzzy`: similar enough; `new`: no match. */
  readonly kind: 'exact' | 'fuzzy' | 'new';
  /** Similarity to the matched previous item (1 for exact, 0 for new). */
  readonly score: number;
}

/** Options of {@link matchItems}. */
export interface MatchOptions {
  /** Minimum similarity for a fuzzy match (default {@link DEFAULT_MATCH_THRESHOLD}). */
  readonly threshold?: number;
}

/** Default minimum similarity for two texts to count as the same item, slightly edited. */
export const DEFAULT_MATCH_THRESHOLD = 0.6;

interface Candidate {
  readonly next: number;
  readonly prev: number;
  readonly score: number;
  readonly distance: number;
}

/**
 * Matches the items of a new checklist version to the previous version so
 * that TIDs stay stable across edits. Pure and deterministic.
 *
 * 1. Exact: texts equal after {@link normalizeText} match first, in order.
 * 2. Fuzzy: every remaining pair scoring at least `threshold` with
 *    {@link textSimilarity} is a candidate; candidates are taken greedily by
 *    descending score (ties: closer relative position, then earlier item),
 *    one-to-one.
 *
 * Previous TIDs that appear in no match are the retired ones (see
 * {@link retiredTids}). Cost is O(n·m) over the items left after exact
 * matching — meant for capped checklists (hundreds of items).
 *
 * @returns one entry per `next` item, in the same order.
 */
export function matchItems(
  previous: readonly PreviousItem[],
  next: readonly string[],
  options: MatchOptions = {},
): ItemMatch[] {
  const threshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const prevPrepared = previous.map((p) => prepareText(p.text));
  const nextPrepared = next.map((t) => prepareText(t));
  const result: (ItemMatch | undefined)[] = new Array(next.length).fill(undefined);
  const prevUsed = new Array<boolean>(previous.length).fill(false);

  const byText = new Map<string, number[]>();
  prevPrepared.forEach((p, i) => {
    const list = byText.get(p.normalized);
    if (list) list.push(i);
    else byText.set(p.normalized, [i]);
  });
  nextPrepared.forEach((n, i) => {
    const queue = byText.get(n.normalized);
    const prev = queue?.shift();
    if (prev === undefined) return;
    prevUsed[prev] = true;
    result[i] = { tid: previous[prev]!.tid, kind: 'exact', score: 1 };
  });

  const candidates = fuzzyCandidates(prevPrepared, nextPrepared, prevUsed, result, threshold);
  const nextUsed = result.map((r) => r !== undefined);
  for (const c of candidates) {
    if (nextUsed[c.next] || prevUsed[c.prev]) continue;
    nextUsed[c.next] = true;
    prevUsed[c.prev] = true;
    result[c.next] = { tid: previous[c.prev]!.tid, kind: 'fuzzy', score: c.score };
  }
  return result.map((r) => r ?? { tid: null, kind: 'new', score: 0 });
}

function fuzzyCandidates(
  prev: readonly PreparedText[],
  next: readonly PreparedText[],
  prevUsed: readonly boolean[],
  matched: readonly (ItemMatch | undefined)[],
  threshold: number,
): Candidate[] {
  const out: Candidate[] = [];
  const prevSpan = Math.max(prev.length - 1, 1);
  const nextSpan = Math.max(next.length - 1, 1);
  for (let n = 0; n < next.length; n += 1) {
    if (matched[n] !== undefined) continue;
    for (let p = 0; p < prev.length; p += 1) {
      if (prevUsed[p]) continue;
      const score = preparedSimilarity(next[n]!, prev[p]!);
      if (score >= threshold)
        out.push({ next: n, prev: p, score, distance: Math.abs(n / nextSpan - p / prevSpan) });
    }
  }
  return out.sort(
    (a, b) => b.score - a.score || a.distance - b.distance || a.next - b.next || a.prev - b.prev,
  );
}

/** TIDs of `previous` that no entry of `matches` kept: the items to retire. */
export function retiredTids(previous: readonly PreviousItem[], matches: readonly ItemMatch[]): string[] {
  const kept = new Set(matches.map((m) => m.tid).filter((t): t is string => t !== null));
  return previous.map((p) => p.tid).filter((t) => !kept.has(t));
}
