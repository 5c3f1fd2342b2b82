import type { Entry } from './entries.ts';
import { scanGherkin } from './gherkin.ts';
import type { RenderedLine } from './render.ts';
import { splitSentences } from './text.ts';

/** Rules shared by every kind of criteria section. */

/** A line made only of a bold/italic span (an inline sub-heading), colon allowed. */
export function isBoldOnly(line: RenderedLine): boolean {
  return line.leadEnd !== undefined && line.text.slice(line.leadEnd).replace(/^[\s:：]+/u, '') === '';
}

/** A line that introduces what follows (ends with a colon). */
export function isIntro(text: string): boolean {
  return /[:：]$/u.test(text.trim());
}

/** A prose line holding several sentences gives one entry per sentence. */
function splitProse(entry: Entry): Entry[] {
  if (entry.kind !== 'line') return [entry];
  return splitSentences(entry.text).map((text, i) => ({ ...entry, text, order: entry.order + i / 64 }));
}

/**
 * Applies the section rules to collected entries: Gherkin scenarios first;
 * then, when the section has lists (or a criteria table), its prose lines are
 * only introduction and are dropped; otherwise each prose sentence is an item.
 */
export function finish(entries: readonly Entry[]): Entry[] {
  const scanned = scanGherkin(entries, { anonymous: true, keepOthers: true });
  const hasList = scanned.some((e) => e.kind === 'list' || e.kind === 'row');
  return hasList ? scanned.filter((e) => e.kind !== 'line') : scanned.flatMap(splitProse);
}
