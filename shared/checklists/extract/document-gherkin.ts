import type { Root, RootContent } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { fencedScenarios, isGherkinCode, isScenarioHeader, scanGherkin } from './gherkin.ts';
import { listEntries } from './lists.ts';
import { renderFlat, renderLines } from './render.ts';

/**
 * Gherkin scenarios anywhere in the document outside criteria sections:
 * ```gherkin / ```feature blocks, and plain-text runs that start with an
 * explicit `Scenario:` line (a heading such as `### Scenario: …` counts).
 * Quotes, other code blocks and HTML are never read.
 */
export function documentScenarios(root: Root, skip: ReadonlySet<RootContent>): Entry[] {
  const out: Entry[] = [];
  let run: Entry[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push(...scanGherkin(run, { anonymous: false, keepOthers: false }));
    run = [];
  };
  for (const node of root.children) {
    if (skip.has(node)) {
      flush();
      continue;
    }
    if (node.type === 'paragraph') {
      renderLines(node.children).forEach((line, i) => {
        run.push({ kind: 'line', text: line.text, order: orderOf(node, i) });
      });
    } else if (node.type === 'list') {
      run.push(...listEntries(node));
    } else if (node.type === 'heading' && isScenarioHeader(renderFlat(node.children))) {
      flush();
      run.push({ kind: 'line', text: renderFlat(node.children), order: orderOf(node) });
    } else {
      flush();
      if (node.type === 'code' && isGherkinCode(node)) out.push(...fencedScenarios(node));
    }
  }
  flush();
  return out;
}
