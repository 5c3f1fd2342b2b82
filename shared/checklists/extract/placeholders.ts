/**
 * Issue-template boilerplate and unfilled placeholders, which are never
 * criteria: `_No response_`, `TBD`, `...`, `[describe here]`, `<placeholder>`,
 * `Criterion 1`, GitHub's default template sentences, empty checkboxes, and
 * sentences made mostly of unfilled slots (`As a [role] I want [feature] so
 * that [benefit]`).
 */

const PATTERNS: readonly RegExp[] = [
  /^(?:tbd|tba|tbc|todo|to ?do|n\/?a|none|nothing|nil|null|xx+|wip|no response|same as above|see above|see below|etc)\.?$/i,
  /^lorem ipsum\b/i,
  /^\[[^\]]*\]$/,
  /^<[^>]*>$/,
  /^\{\{?[^}]*\}\}?$/,
  /^\([^)]*\)$/,
  /^(?:item|criteri(?:on|a)|ac|requirement|condition|task|step|scenario|thing|feature|story|check)\s*#?\s*\d+\s*[.:]?$/i,
  /^a clear and concise description of\b/i,
  /^(?:please\s+)?(?:describe|explain|list|add|write|enter|provide|insert|include|put|fill in|specify|outline|summari[sz]e)\b.{0,100}\b(?:here|below|above)\b[.!]?$/i,
  /^(?:your|the|list|add|write|enter)\b.{0,40}\bcriteri(?:a|on)\b.{0,40}\bhere\b/i,
  /^if applicable\b/i,
  /^steps to reproduce the behaviou?r\b/i,
  /^e\.g\.?[:,]?\s/i,
  /^(?:go to|click on|scroll down to) ['"‘“]\.{2,}/i,
  /^see error$/i,
];

/**
 * Unfilled template slots inside a sentence: `[role]`, `<describe the
 * behaviour>`, `{{outcome}}`, `{benefit}`, `____`, `...`, `…`, `TBD`/`TODO`/`XXX`.
 * `[]` (no letter inside) is not a slot: `returns [] for an empty cart` is real.
 * `<identifier>` without a space is a slot too, except in Gherkin, where it is
 * a Scenario Outline parameter (`<email>`).
 */
const SLOT_PHRASE =
  /\[[^\]]*\p{L}[^\]]*\]|<[^<>]*\p{L}[^<>]*\s[^<>]*>|\{\{?[^{}]*\p{L}[^{}]*\}\}?|_{3,}|\.{3,}|…|\b(?:TBD|TBA|TBC|TODO|XXX+)\b/giu;
const SLOT_IDENTIFIER = /<[\p{L}_][\p{L}\p{N}_ -]*>/gu;

/**
 * Words of the templates themselves (`As a … I want … so that …`,
 * `Given … when … then …`), which say nothing once the slots are removed.
 */
const TEMPLATE_WORDS = new Set(
  (
    'given when then and but or as a an i we want wants need needs would like to so that in order ' +
    'the of for with is are be should can will it this on'
  ).split(' '),
);

function letters(text: string): number {
  return (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
}

/**
 * True when `text` is made mostly of unfilled template slots: it has at least
 * one slot, and what is left once slots and template words are removed has
 * no more letters than the slots themselves (`Given [context], when
 * [action], then [expected result]`, `As a [role] I want [feature] so that
 * [benefit]`, `Then [expected result] is shown`). One slot inside real text
 * (`Display the [Save] button after an edit`) is a criterion.
 */
export function isMostlySlots(text: string, options: { gherkin?: boolean } = {}): boolean {
  const slots = [...text.matchAll(SLOT_PHRASE)].map((m) => m[0]);
  if (!options.gherkin) slots.push(...[...text.matchAll(SLOT_IDENTIFIER)].map((m) => m[0]));
  if (slots.length === 0) return false;
  let rest = text.replace(SLOT_PHRASE, ' ');
  if (!options.gherkin) rest = rest.replace(SLOT_IDENTIFIER, ' ');
  const words = rest
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((w) => w !== '' && !TEMPLATE_WORDS.has(w));
  const real = words.reduce((sum, w) => sum + letters(w), 0);
  const slotted = Math.max(
    1,
    slots.reduce((sum, slot) => sum + letters(slot), 0),
  );
  return real <= slotted;
}

/**
 * True when `text` (already cleaned) is not a criterion but an empty or
 * boilerplate template value, or a sentence made mostly of unfilled slots
 * ({@link isMostlySlots}; `gherkin` for a scenario, whose `<param>` are
 * outline parameters).
 */
export function isPlaceholder(text: string, options: { gherkin?: boolean } = {}): boolean {
  const t = text.trim();
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  return PATTERNS.some((p) => p.test(t)) || isMostlySlots(t, options);
}
