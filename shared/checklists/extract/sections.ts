import type { Root, RootContent } from 'mdast';
import { criteriaDetails } from './details.ts';
import type { Entry } from './entries.ts';
import { headingSectionEntries, sectionEnd } from './heading-sections.ts';
import { followingEntries, labelItemEntries, labelLines, nextLabel } from './label-sections.ts';
import { isCriteriaLabel, matchLabelLine } from './labels.ts';
import { renderFlat, renderLines } from './render.ts';
import { finish } from './section-rules.ts';

/**
 * Criteria sections: the content under a heading that names acceptance
 * criteria, inside a `<details>` whose `<summary>` names them, and after a
 * bold or line label (see `heading-sections.ts`, `details.ts` and
 * `label-sections.ts`).
 */

/** Entries found in criteria sections, and the top-level blocks they covered. */
export interface SectionScan {
  readonly entries: Entry[];
  readonly consumed: ReadonlySet<RootContent>;
}

/** Finds every criteria section of the document. */
export function findCriteriaSections(root: Root): SectionScan {
  const children = root.children;
  const entries: Entry[] = [];
  const consumed = new Set<RootContent>();
  const consume = (from: number, to: number): void => {
    for (let j = from; j < to; j += 1) consumed.add(children[j]!);
  };
  let i = 0;
  while (i < children.length) {
    const node = children[i]!;
    if (node.type === 'heading' && isCriteriaLabel(renderFlat(node.children))) {
      const end = sectionEnd(children, i, node.depth);
      entries.push(...headingSectionEntries(children.slice(i + 1, end)));
      consume(i, end);
      i = end;
      continue;
    }
    const details = criteriaDetails(children, i);
    if (details !== null) {
      entries.push(...headingSectionEntries(details.blocks));
      consume(i, details.next);
      i = details.next;
      continue;
    }
    if (node.type === 'paragraph') {
      const lines = renderLines(node.children);
      const labels = lines.map(matchLabelLine);
      const first = nextLabel(labels, 0);
      if (first < lines.length) {
        const own = labelLines(node, lines, labels, first);
        const after = own.open
          ? followingEntries(children, i + 1, own.entries.length > 0)
          : { entries: [], next: i + 1 };
        entries.push(...finish([...own.entries, ...after.entries]));
        consume(i, after.next);
        i = after.next;
        continue;
      }
    }
    if (node.type === 'list') {
      const found = labelItemEntries(node);
      if (found.length > 0) {
        entries.push(...finish(found));
        consumed.add(node);
      }
    }
    i += 1;
  }
  return { entries, consumed };
}
