/**
 * Reading test ids (TIDs, `T12`) from a testcase. SPEC §4 names four places:
 *
 * 1. a name prefix `T12::…` or `T3,T4::…` — at the start of the name or of a
 *    segment (after whitespace, `›`, `>`, `|`, `/` or `:`), so runners that
 *    prepend the describe block (jest-junit's `"form T12::rejects …"`), Go
 *    subtests (`TestX/T12::…`) and Rust paths (`tests::T12::…`) still count;
 * 2. a classname `autoqa:T12` or `assay:T12` (also `assay:T3,T4`);
 * 3. `[T12]` (or `[T3,T4]`) anywhere in the name, as pytest parametrize ids give;
 * 4. a testcase property `tid` or `test_id`, possibly comma-separated.
 *
 * @module
 */

const LIST = String.raw`T\d+(?:\s*,\s*T\d+)*`;
const NAME_PREFIX = new RegExp(String.raw`(?:^|[\s>›|/:])(${LIST})\s*::`, 'g');
const NAME_BRACKET = new RegExp(String.raw`\[\s*(${LIST})\s*\]`, 'g');
const CLASSNAME = new RegExp(`(?:^|[^A-Za-z0-9_])(?:autoqa|assay):(${LIST})`, 'gi');
const ONE_TID = /^T(\d+)$/i;

/** Property names whose values are TIDs. */
export const TID_PROPERTY_NAMES: ReadonlySet<string> = new Set(['tid', 'test_id']);

/** `T012` → `T12`; anything that is not a TID → `undefined`. */
export function normalizeTid(raw: string): string | undefined {
  const match = ONE_TID.exec(raw.trim());
  return match ? `T${Number(match[1])}` : undefined;
}

/** Splits `"T3, T4"` / `"T3 T4"` into normalised TIDs, dropping anything else. */
export function parseTidList(raw: string): string[] {
  const single = normalizeTid(raw);
  if (single !== undefined) return [single];
  const out: string[] = [];
  for (const part of raw.split(/[\s,;]+/)) {
    const tid = normalizeTid(part);
    if (tid !== undefined) out.push(tid);
  }
  return out;
}

function collect(pattern: RegExp, text: string, into: string[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    for (const tid of parseTidList(m[1] ?? '')) into.push(tid);
  }
}

/** Sorted by number (`T2` before `T10`), duplicates removed. */
export function sortTids(tids: Iterable<string>): string[] {
  return [...new Set(tids)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** The (frozen, shared) answer for a testcase without TIDs. */
export const NO_TIDS: readonly string[] = Object.freeze([]);

/**
 * Every TID a testcase carries, from its name, classname and `tid`/`test_id`
 * property values; deduplicated and sorted.
 */
export function extractTids(
  name: string,
  classname: string,
  propertyValues: readonly string[] = [],
): readonly string[] {
  const found: string[] = [];
  // Cheap pre-checks keep the regexes off the hot path for untagged tests.
  if (name.includes('T')) {
    if (name.includes('::')) collect(NAME_PREFIX, name, found);
    if (name.includes('[')) collect(NAME_BRACKET, name, found);
  }
  if (classname.includes(':')) collect(CLASSNAME, classname, found);
  for (const value of propertyValues) for (const tid of parseTidList(value)) found.push(tid);
  if (found.length === 0) return NO_TIDS;
  return found.length === 1 ? found : sortTids(found);
}
