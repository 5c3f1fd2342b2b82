import type { Paragraph, RootContent } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { fencedScenarios, isGherkinCode, isScenarioHeader } from './gherkin.ts';
import { isOtherFieldLabel, isOtherFieldLine } from './labels.ts';
import { listEntries } from './lists.ts';
import { renderFlat, renderLines } from './render.ts';
import { finish, isBoldOnly, isIntro } from './section-rules.ts';
import { tableEntries } from './tables.ts';

/**
 * Sections under a heading that names acceptance criteria: every block up to
 * the next heading of the same or higher level (subheadings belong), except
 * that a subheading or bold line naming another template field ("Out of
 * scope", "Notes", "Screenshots") ends it.
 */

function paragraphEntries(p: Paragraph, out: Entry[]): 'stop' | 'go' {
  const lines = renderLines(p.children);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (isBoldOnly(line)) {
      if (isOtherFieldLabel(line.text)) return 'stop';
      continue;
    }
    if (isOtherFieldLine(line)) return 'go';
    if (!isIntro(line.text)) out.push({ kind: 'line', text: line.text, order: orderOf(p, i) });
  }
  return 'go';
}

/** Entries of the blocks under a criteria heading; stops at another template field. */
export function headingSectionEntries(blocks: readonly RootContent[]): Entry[] {
  const out: Entry[] = [];
  for (const block of blocks) {
    if (block.type === 'heading') {
      const text = renderFlat(block.children);
      if (isScenarioHeader(text)) out.push({ kind: 'line', text, order: orderOf(block) });
      else if (isOtherFieldLabel(text)) break;
    } else if (block.type === 'paragraph') {
      if (paragraphEntries(block, out) === 'stop') break;
    } else if (block.type === 'list') out.push(...listEntries(block));
    else if (block.type === 'table') out.push(...tableEntries(block));
    else if (block.type === 'code' && isGherkinCode(block)) out.push(...fencedScenarios(block));
  }
  return finish(out);
}

/** Index of the first block after the section opened by the heading at `start`. */
export function sectionEnd(children: readonly RootContent[], start: number, depth: number): number {
  for (let j = start + 1; j < children.length; j += 1) {
    const node = children[j]!;
    if (node.type === 'heading' && node.depth <= depth) return j;
  }
  return children.length;
}
