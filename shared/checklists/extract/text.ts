/** Clean-up of a candidate criterion's text. */

const LEADING_MARKER = /^(?:[-*+•◦▪▫‣∙·–—]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|#{1,6})\s+/u;
const CHECKED_MARK = /^(?:\[[xX✓✔]\]|[☑☒✅✔✓]\uFE0F?)\s*/u;
const UNCHECKED_MARK = /^(?:\[\s?\]|[☐⬜□]\uFE0F?)\s*/u;
const CRITERION_ID = /^(?:AC|REQ|FR|NFR)[-\s]?\d+(?:\.\d+)*\s*[:.)–—-]\s*/i;

/** Collapses every whitespace run to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A cleaned criterion text and the checkbox state written in it, if any. */
export interface CleanText {
  readonly text: string;
  readonly checked?: boolean;
}

/**
 * Normalizes a candidate item's text: whitespace collapsed; leading bullet or
 * enumerator characters (`•`, `1)`, `a.`), plain-text checkboxes (`[ ]`,
 * `[x]`, `☐`, `✅`) and criterion ids (`AC1:`, `REQ-2 -`) removed; trailing
 * `;`/`,`/`and` removed; cut to `maxChars` with an ellipsis.
 */
export function cleanItemText(raw: string, maxChars: number): CleanText {
  let text = collapseWhitespace(raw.length > maxChars * 4 ? raw.slice(0, maxChars * 4) : raw);
  let checked: boolean | undefined;
  for (let guard = 0; guard < 4; guard += 1) {
    const before = text;
    text = text.replace(LEADING_MARKER, '');
    if (CHECKED_MARK.test(text)) {
      checked = true;
      text = text.replace(CHECKED_MARK, '');
    } else if (UNCHECKED_MARK.test(text) && text.replace(UNCHECKED_MARK, '') !== '') {
      checked = false;
      text = text.replace(UNCHECKED_MARK, '');
    }
    text = text.replace(CRITERION_ID, '');
    if (text === before) break;
  }
  text = text.replace(/(?:\s*[;,]|\s+(?:and|or))+$/i, '').trim();
  if (text.length > maxChars) text = `${text.slice(0, maxChars - 1).trimEnd()}…`;
  return checked === undefined ? { text } : { text, checked };
}

/**
 * Splits prose into sentences at `.`, `!` or `?` followed by whitespace and a
 * character that is not a lower-case letter (so `e.g. the` stays whole), and
 * after `。！？`.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[^\p{Ll}\s])|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
