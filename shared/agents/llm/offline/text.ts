/** Small text helpers of the offline agents. */
import { stems } from '../../stages/plan.ts';

/** The sentences of `text` (split after `.`, `!`, `?` or a line break), trimmed, non-empty. */
export function sentences(text: string): string[] {
  return text
    .replace(/\r/g, '')
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^[\s>*#\-–•\d.)]+/, '').trim())
    .filter((s) => s.length >= 12);
}

/** Share of `a`'s stems found in `b` (0 when `a` has none). */
export function similarity(a: string, b: string): number {
  const as = stems(a);
  if (as.size === 0) return 0;
  const bs = stems(b);
  let n = 0;
  for (const s of as) if (bs.has(s)) n += 1;
  return n / as.size;
}

/** `text` cut to `max` characters on a word boundary, with `…` when cut. */
export function clip(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** Like {@link clip} for a block of text: lines are kept (blank runs cut to one), spaces inside them collapsed. */
export function clipBlock(text: string, max: number): string {
  const clean = text
    .replace(/\r/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** Whether a sentence states a requirement (must, shall, should, required, only…). */
export function isRequirementSentence(sentence: string): boolean {
  return /\b(must|shall|should|required|needs? to|has to|have to|only|never|always)\b/i.test(sentence);
}
