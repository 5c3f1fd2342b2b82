/**
 * Test names in the TID convention: `T12::rejects an invalid email`.
 *
 * @module
 */

/** Longest name, prefix included. */
export const MAX_TEST_NAME = 80;

const LEAD_FILLER =
  /^(?:(?:as an? [^,]{1,40},\s*)?(?:i|we) (?:want|need) (?:to )?|verify (?:that )?|ensure (?:that )?|make sure (?:that )?|check (?:that )?|confirm (?:that )?|it )/;
const MODAL =
  /^(?:(?:[a-z'-]+ ){0,3}?)(?:should|must|shall|will|can|could|needs? to|has to|have to|is able to|are able to)( not)? /;
const IRREGULAR: Record<string, string> = { be: 'is', have: 'has', do: 'does', go: 'goes' };

function thirdPerson(verb: string): string {
  const irregular = IRREGULAR[verb];
  if (irregular !== undefined) return irregular;
  if (/(?:s|sh|ch|x|z)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** Turns "The form should reject an invalid email." into "rejects an invalid email". */
function condense(text: string): string {
  let t = text
    .toLowerCase()
    .replace(/[`*_~[\]]/g, '')
    .replace(/^\s*(?:[-+*]|\d+[.)])?\s*(?:\[[ x]\]\s*)?/, '')
    .replace(/\s+/g, ' ')
    .trim();
  t = t.replace(/^(?:given|then|and)\s+/, '');
  t = t.replace(LEAD_FILLER, '');
  const modal = MODAL.exec(t);
  if (modal) {
    const rest = t.slice(modal[0].length).replace(/^be able to /, '');
    const [verb = '', ...tail] = rest.split(' ');
    if (modal[1] !== undefined) t = `does not ${rest}`;
    else t = [thirdPerson(verb), ...tail].join(' ');
  }
  return t.replace(/[.;:!,\s]+$/, '');
}

/**
 * A test name for a checklist item: `T<tid>::` and a short lower-case
 * description from the item's text, with filler ("the user can", "should",
 * "verify that") dropped and cut at a word to at most 80 characters.
 */
export function suggestTestName(tid: number, itemText: string): string {
  const prefix = `T${tid}::`;
  let body = condense(itemText);
  if (body === '') body = 'works';
  const room = MAX_TEST_NAME - prefix.length;
  if (body.length > room) {
    const cut = body.slice(0, room + 1);
    const space = cut.lastIndexOf(' ');
    body = (space > room / 2 ? cut.slice(0, space) : cut.slice(0, room))
      .replace(/[.;:!,\s]+$/, '')
      .replace(/[,\s]+(?:and|or|with|the|a|an|to|of|for|in|on)$/, '');
  }
  return `${prefix}${body}`;
}
