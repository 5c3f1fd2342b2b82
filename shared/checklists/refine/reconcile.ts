import type { ExtractedItem } from '../extract/index.ts';
import { collapseWhitespace } from '../extract/text.ts';
import { normalizeText } from '../similarity/normalize.ts';
import type { RefinementOutput } from './schema.ts';
import type { RefinedItem } from './types.ts';

/** Limits applied by {@link reconcile}. */
export interface ReconcileLimits {
  readonly maxItems: number;
  readonly maxItemChars: number;
}

/** What {@link reconcile} did, besides the list. */
export interface ReconcileStats {
  /** Author items the model left out, re-appended verbatim. */
  restored: number;
  /** Model items dropped: empty, duplicate, or `added` items beyond the cap. */
  dropped: number;
}

export type ReconcileResult =
  | { ok: true; items: RefinedItem[]; stats: ReconcileStats }
  | { ok: false; error: string };

interface Candidate {
  item: RefinedItem;
  /** 0-based indexes of the extracted items this item accounts for. */
  covers: Set<number>;
  /** True for items that account for no author item (may be dropped at the cap). */
  added: boolean;
}

function clip(text: string, maxChars: number): string {
  const clean = collapseWhitespace(text);
  return clean.length > maxChars ? `${clean.slice(0, maxChars - 1).trimEnd()}…` : clean;
}

/** The task-list state shared by every referenced item, if they all have the same one. */
function commonChecked(items: readonly ExtractedItem[]): boolean | undefined {
  const first = items[0]?.checked;
  return first !== undefined && items.every((item) => item.checked === first) ? first : undefined;
}

function withChecked(text: string, source: RefinedItem['source'], checked: boolean | undefined): RefinedItem {
  return checked === undefined ? { text, source } : { text, source, checked };
}

function toCandidate(
  entry: RefinementOutput['items'][number],
  text: string,
  extracted: readonly ExtractedItem[],
): Candidate {
  const { origin } = entry;
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= extracted.length;
  if (origin.kind === 'extracted' && inRange(origin.index)) {
    const source = extracted[origin.index - 1]!;
    return {
      item: withChecked(text, source.source, source.checked),
      covers: new Set([origin.index - 1]),
      added: false,
    };
  }
  if (origin.kind === 'split' || origin.kind === 'merged') {
    const indexes = [...new Set(origin.indexes.filter(inRange).map((n) => n - 1))];
    const checked = commonChecked(indexes.map((i) => extracted[i]!));
    return { item: withChecked(text, 'llm', checked), covers: new Set(indexes), added: indexes.length === 0 };
  }
  // `added`, or an `extracted` origin pointing at no item: the model's own text.
  return { item: { text, source: 'llm' }, covers: new Set(), added: true };
}

/**
 * Turns the model's answer into the refined list, enforcing the rules the
 * model is not trusted with: every extracted (author-written) item stays
 * covered — one no output item refers to is re-appended verbatim with its
 * original source; kept items keep their original source, split / merged /
 * added ones are `llm`; texts are whitespace-collapsed and cut to
 * `maxItemChars`; normalized duplicates are dropped; at most `maxItems` items,
 * shedding `added` items first. A list that cannot fit the cap without losing
 * an author item is an error (the caller keeps the extracted list).
 */
export function reconcile(
  output: RefinementOutput,
  extracted: readonly ExtractedItem[],
  limits: ReconcileLimits,
): ReconcileResult {
  const candidates: Candidate[] = [];
  const byKey = new Map<string, Candidate>();
  let dropped = 0;

  for (const entry of output.items) {
    const text = clip(entry.text, limits.maxItemChars);
    const key = normalizeText(text);
    if (key === '') {
      dropped += 1;
      continue;
    }
    const candidate = toCandidate(entry, text, extracted);
    const existing = byKey.get(key);
    if (existing) {
      for (const i of candidate.covers) existing.covers.add(i);
      if (existing.added && candidate.covers.size > 0) existing.added = false;
      dropped += 1;
      continue;
    }
    byKey.set(key, candidate);
    candidates.push(candidate);
  }

  const covered = new Set<number>();
  for (const candidate of candidates) for (const i of candidate.covers) covered.add(i);

  let restored = 0;
  extracted.forEach((original, i) => {
    if (covered.has(i)) return;
    const key = normalizeText(original.text);
    const same = byKey.get(key);
    if (same) {
      // The model wrote the author's text but under another origin: it is the author's item.
      same.covers.add(i);
      same.added = false;
      same.item = withChecked(same.item.text, original.source, original.checked);
      return;
    }
    const candidate: Candidate = {
      item: withChecked(original.text, original.source, original.checked),
      covers: new Set([i]),
      added: false,
    };
    byKey.set(key, candidate);
    candidates.push(candidate);
    restored += 1;
  });

  let excess = candidates.length - limits.maxItems;
  for (let i = candidates.length - 1; i >= 0 && excess > 0; i -= 1) {
    if (candidates[i]!.added) {
      candidates.splice(i, 1);
      excess -= 1;
      dropped += 1;
    }
  }
  if (excess > 0) {
    return {
      ok: false,
      error: `refined list needs ${limits.maxItems + excess} items to keep every author item (limit ${limits.maxItems})`,
    };
  }
  return { ok: true, items: candidates.map((c) => c.item), stats: { restored, dropped } };
}
