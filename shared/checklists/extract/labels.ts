import { foldCase } from '../similarity/normalize.ts';
import { LABEL, OTHER_FIELD } from './label-patterns.ts';
import type { RenderedLine } from './render.ts';

/**
 * Recognition of the labels that introduce acceptance criteria ("Acceptance
 * criteria", "AC", "Definition of done", "Requirements", "Success criteria",
 * "Expected behaviour", and their equivalents in other languages), and of
 * other issue-template field labels that end such a section.
 */

/**
 * Canonical form of a label: diacritics stripped, lower-cased, decorations
 * (emoji, numbering, Jira `h3.`), bracketed asides and trailing colons removed.
 */
export function normalizeLabel(text: string): string {
  return foldCase(text)
    .replace(/[’‘`´]/g, "'")
    .replace(/^h[1-6]\.\s+/, '')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/^\d+(?:\.\d+)*[.)]?\s+/, '')
    .replace(/[\s:：.?？!\-–—*_]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `text` (a heading, bold text or short line) names acceptance criteria. */
export function isCriteriaLabel(text: string): boolean {
  if (text.length > 120) return false;
  const raw = text.trim();
  const label = normalizeLabel(raw);
  if (label.length === 0 || label.length > 80 || label.split(' ').length > 8) return false;
  if (/[?？]/u.test(raw) && !/^(?:what|que|qu'|was|o que|cosa|wat)\b/u.test(label)) return false;
  if (/[.!。！]\s+\S/u.test(label)) return false;
  return LABEL.test(label);
}

/** True when `text` names another template field ("Screenshots", "Steps to reproduce", "Notes"). */
export function isOtherFieldLabel(text: string): boolean {
  if (text.length > 80) return false;
  return OTHER_FIELD.test(normalizeLabel(text));
}

/** A criteria label found at the start of a line, with the text after it. */
export interface LabelLine {
  /** Text following the label on the same line (empty for a label on its own). */
  readonly remainder: string;
}

/**
 * Recognizes a line that is a criteria label: the whole line (`Acceptance
 * Criteria`, `AC:`), a leading bold/italic label (`**Expected behavior:** it
 * saves`) or a short label before a colon (`Expected: it saves`).
 */
export function matchLabelLine(line: RenderedLine): LabelLine | null {
  const text = line.text;
  if (text.length <= 120 && isCriteriaLabel(text) && !hasSentenceAfterColon(text)) return { remainder: '' };
  if (line.lead !== undefined && isCriteriaLabel(line.lead)) {
    return { remainder: stripSeparator(text.slice(line.leadEnd ?? line.lead.length)) };
  }
  const colon = text.search(/[:：]/);
  if (colon > 0 && colon <= 60 && isCriteriaLabel(text.slice(0, colon))) {
    return { remainder: stripSeparator(text.slice(colon + 1)) };
  }
  return null;
}

/** True when a line is another template field's label, e.g. `Actual:` or `**Screenshots**`. */
export function isOtherFieldLine(line: RenderedLine): boolean {
  if (line.lead !== undefined && isOtherFieldLabel(line.lead)) return true;
  const colon = line.text.search(/[:：]/);
  const head = colon > 0 ? line.text.slice(0, colon) : line.text;
  return isOtherFieldLabel(head);
}

function hasSentenceAfterColon(text: string): boolean {
  const colon = text.search(/[:：]/);
  return colon >= 0 && /\p{L}/u.test(text.slice(colon + 1));
}

function stripSeparator(text: string): string {
  return text.replace(/^[\s:：\-–—]+/u, '').trim();
}
