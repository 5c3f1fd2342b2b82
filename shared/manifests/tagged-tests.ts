/**
 * Tests carrying test ids (TIDs) in added source lines, by the conventions of
 * SPEC §4 as they appear in code:
 * - a string literal whose text has the name prefix `T12::…` or `T3,T4::…`
 *   (at its start or after whitespace, `›`, `>`, `|`, `/`, `:` — so
 *   `t.Run("T12::…")`, `it('T12::…')`, `@DisplayName("T12::…")`);
 * - `[T12]` inside a string literal (pytest ids, test titles) or a comment;
 * - `autoqa:T12` / `assay:T12` anywhere on the line (classname tags,
 *   `@Tag("assay:T12")`, `@pytest.mark` arguments, comments).
 *
 * @module
 */

/** A test in the diff that carries a TID. */
export interface TaggedTest {
  tid: number;
  file: string;
  /** Line number in the new file. */
  line: number;
  /** The test's name as written (the string literal), or the trimmed line. */
  name: string;
}

const LIST = String.raw`T\d+(?:\s*,\s*T\d+)*`;
const PREFIX = new RegExp(String.raw`(?:^|[\s>›|/:])(${LIST})\s*::`, 'g');
const BRACKET = new RegExp(String.raw`\[\s*(${LIST})\s*\]`, 'g');
const TAG = new RegExp(`(?:^|[^A-Za-z0-9_])(?:autoqa|assay):(${LIST})`, 'gi');
const STRING = /(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
const COMMENT = /(?:\/\/|#|--|\/\*)(.*)$/;
const MAX_NAME = 200;

function tidsIn(pattern: RegExp, text: string, into: number[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    for (const part of (m[1] ?? '').split(/\s*,\s*/)) {
      const n = Number(part.slice(1));
      if (Number.isSafeInteger(n) && n > 0 && !into.includes(n)) into.push(n);
    }
  }
}

/** Quick test: can this line carry a TID at all? */
export function mayCarryTid(line: string): boolean {
  return /T\d/.test(line) || /(?:autoqa|assay):/i.test(line);
}

/** The TID-tagged tests of one added line (usually none). */
export function taggedTestsInLine(text: string, file: string, line: number): TaggedTest[] {
  const out: TaggedTest[] = [];
  let firstLiteral: string | undefined;
  STRING.lastIndex = 0;
  for (let m = STRING.exec(text); m !== null; m = STRING.exec(text)) {
    const literal = m[2] ?? '';
    firstLiteral ??= literal;
    const tids: number[] = [];
    if (literal.includes('::')) tidsIn(PREFIX, literal, tids);
    if (literal.includes('[')) tidsIn(BRACKET, literal, tids);
    for (const tid of tids) out.push({ tid, file, line, name: literal.trim().slice(0, MAX_NAME) });
  }
  const extra: number[] = [];
  tidsIn(TAG, text, extra);
  const comment = COMMENT.exec(text.replace(STRING, '""'))?.[1];
  if (comment !== undefined) tidsIn(BRACKET, comment, extra);
  const name = (firstLiteral ?? text).trim().slice(0, MAX_NAME);
  for (const tid of extra) {
    if (!out.some((t) => t.tid === tid)) out.push({ tid, file, line, name });
  }
  return out;
}
