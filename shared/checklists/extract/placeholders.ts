/**
 * Issue-template boilerplate and unfilled placeholders, which are never
 * criteria: `_No response_`, `TBD`, `...`, `[describe here]`, `<placeholder>`,
 * `Criterion 1`, GitHub's default template sentences, empty checkboxes.
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
 * True when `text` (already cleaned) is not a criterion but an empty or
 * boilerplate template value.
 */
export function isPlaceholder(text: string): boolean {
  const t = text.trim();
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  return PATTERNS.some((p) => p.test(t));
}
