import type { List, Paragraph, RootContent } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { fencedScenarios, isGherkinCode } from './gherkin.ts';
import { isCriteriaLabel, isOtherFieldLine, type LabelLine, matchLabelLine } from './labels.ts';
import { listEntries, ownText } from './lists.ts';
import { type RenderedLine, renderFlat, renderLines } from './render.ts';
import { isBoldOnly, isIntro } from './section-rules.ts';
import { tableEntries } from './tables.ts';

/**
 * Sections after a bold or line label (`**Acceptance criteria**`, `AC:`,
 * `Acceptance Criteria` pasted from Jira): the rest of the label's paragraph,
 * then the list(s) directly after it up to the next paragraph or heading —
 * or, when nothing else follows, the one paragraph right after the label.
 */

/** Index of the next line holding a criteria label, or `labels.length`. */
export function nextLabel(labels: readonly (LabelLine | null)[], from: number): number {
  for (let j = from; j < labels.length; j += 1) if (labels[j]) return j;
  return labels.length;
}

/**
 * Entries of a paragraph from its first label line on (`labels[i]` is the
 * label match of `lines[i]`); `open` when the last label runs past the paragraph.
 */
export function labelLines(
  p: Paragraph,
  lines: readonly RenderedLine[],
  labels: readonly (LabelLine | null)[],
  first: number,
): { entries: Entry[]; open: boolean } {
  const entries: Entry[] = [];
  let open = false;
  let j = first;
  while (j < lines.length) {
    const match = labels[j];
    j += 1;
    if (!match) continue;
    open = true;
    if (match.remainder !== '') {
      if (!isIntro(match.remainder))
        entries.push({ kind: 'line', text: match.remainder, order: orderOf(p, j - 1) });
      j = nextLabel(labels, j);
      continue;
    }
    while (j < lines.length && !labels[j]) {
      const line = lines[j]!;
      if (isOtherFieldLine(line) || isBoldOnly(line)) {
        open = false;
        j = nextLabel(labels, j);
        break;
      }
      if (!isIntro(line.text)) entries.push({ kind: 'line', text: line.text, order: orderOf(p, j) });
      j += 1;
    }
  }
  return { entries, open };
}

function isNoise(node: RootContent | undefined): boolean {
  return node !== undefined && (node.type === 'html' || node.type === 'definition');
}

/** Blocks directly after a label: lists (and Gherkin blocks, tables), or else one plain paragraph. */
export function followingEntries(
  children: readonly RootContent[],
  start: number,
  haveLines: boolean,
): { entries: Entry[]; next: number } {
  const entries: Entry[] = [];
  let b = start;
  while (isNoise(children[b])) b += 1;
  const first = children[b];
  if (first?.type === 'paragraph' && isIntro(renderFlat(first.children))) {
    let after = b + 1;
    while (isNoise(children[after])) after += 1;
    if (children[after]?.type === 'list' && !renderLines(first.children).some((l) => matchLabelLine(l)))
      b = after;
  }
  let took = false;
  for (;;) {
    while (isNoise(children[b])) b += 1;
    const node = children[b];
    if (node?.type === 'list') entries.push(...listEntries(node));
    else if (node?.type === 'code' && isGherkinCode(node)) entries.push(...fencedScenarios(node));
    else if (node?.type === 'table') entries.push(...tableEntries(node));
    else break;
    took = true;
    b += 1;
  }
  const next = children[b];
  if (!took && !haveLines && next?.type === 'paragraph') {
    const lines = renderLines(next.children);
    const head = lines[0];
    if (head && !isBoldOnly(head) && !isOtherFieldLine(head) && !lines.some((l) => matchLabelLine(l))) {
      for (let i = 0; i < lines.length && !isOtherFieldLine(lines[i]!); i += 1) {
        entries.push({ kind: 'line', text: lines[i]!.text, order: orderOf(next, i) });
      }
      b += 1;
    }
  }
  return { entries, next: b };
}

/** Criteria under a list item that is itself a label (`- **Acceptance criteria**` with nested bullets). */
export function labelItemEntries(list: List): Entry[] {
  const out: Entry[] = [];
  for (const item of list.children) {
    if (!isCriteriaLabel(ownText(item))) continue;
    for (const child of item.children) if (child.type === 'list') out.push(...listEntries(child));
  }
  return out;
}
