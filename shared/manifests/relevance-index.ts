/**
 * An inverted index over a {@link DiffAnalysis} — word stem → the files whose
 * path or added identifiers contain it — built once per analysis and cached,
 * so scoring many checklist items against a 3,000-file diff stays cheap.
 *
 * @module
 */

import { isSignificant } from '../text/tokenizer.ts';
import type { DiffAnalysis } from './diff.ts';
import { pathWordsOf, stem, wordParts } from './words.ts';

/** The files a stem points at, with the identifier (or path word) that matched in each. */
export interface Postings {
  files: number[];
  names: string[];
}

/** Path and identifier postings of one analysis. */
export interface RelevanceIndex {
  path: Map<string, Postings>;
  identifier: Map<string, Postings>;
}

const cache = new WeakMap<DiffAnalysis, RelevanceIndex>();

function add(map: Map<string, Postings>, key: string, file: number, name: string): void {
  let p = map.get(key);
  if (p === undefined) {
    p = { files: [], names: [] };
    map.set(key, p);
  }
  if (p.files[p.files.length - 1] === file) return;
  p.files.push(file);
  p.names.push(name);
}

/** The index of an analysis (built on first use, then cached for the analysis's lifetime). */
export function relevanceIndex(analysis: DiffAnalysis): RelevanceIndex {
  const cached = cache.get(analysis);
  if (cached !== undefined) return cached;
  const stems = new Map<string, string>();
  const stemOf = (w: string): string => {
    let s = stems.get(w);
    if (s === undefined) {
      s = stem(w);
      stems.set(w, s);
    }
    return s;
  };
  const index: RelevanceIndex = { path: new Map(), identifier: new Map() };
  analysis.files.forEach((file, i) => {
    for (const w of pathWordsOf(file.path)) add(index.path, stemOf(w), i, w);
    for (const id of file.addedIdentifiers) {
      const lower = id.toLowerCase();
      const parts = wordParts(id);
      if (parts.length > 1 && isSignificant(lower)) add(index.identifier, stemOf(lower), i, id);
      for (const part of parts) if (isSignificant(part)) add(index.identifier, stemOf(part), i, id);
    }
  });
  cache.set(analysis, index);
  return index;
}
