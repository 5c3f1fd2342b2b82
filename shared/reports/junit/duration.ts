/**
 * Reading the `time` attribute of `<testcase>` and `<testsuite>`: seconds, as
 * JUnit writers print them — in the C locale (`1.5`, `1.5E-4`), with
 * thousands separators (`14,029.255`), or in a locale with a decimal comma
 * (`0,160`, `1.234,5`, `1 234,5`).
 *
 * @module
 */

/** Characters that separate groups of thousands: comma, dot, space, no-break spaces, apostrophe. */
const GROUP_SEPARATORS = /^[,. \u00a0\u202f'’]$/u;
/** A plain C-locale number: `12`, `1.5`, `.5`, `3.`, `1.5E-4`. */
const PLAIN = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * `true` when `integer` is digits grouped in threes by `separator`, with a
 * first group of one to three digits that does not start with a zero
 * (`14,029`, `1.234.567`, `1 234`) — the only way a thousands separator is written.
 */
function isGrouped(integer: string, separator: string): boolean {
  const groups = integer.split(separator);
  if (groups.length < 2) return false;
  const [first, ...rest] = groups;
  if (first === undefined || !/^[1-9]\d{0,2}$/.test(first)) return false;
  return rest.every((group) => /^\d{3}$/.test(group));
}

/** Seconds of `integer` + `.fraction`, where `integer` may carry one kind of group separator. */
function fromParts(integer: string, fraction: string | undefined): number | undefined {
  let digits = integer;
  const separator = [...integer].find((ch) => !/\d/.test(ch));
  if (separator !== undefined) {
    if (!GROUP_SEPARATORS.test(separator) || !isGrouped(integer, separator)) return undefined;
    digits = integer.split(separator).join('');
  }
  if (!/^\d+$/.test(digits) || (fraction !== undefined && !/^\d+$/.test(fraction))) return undefined;
  return Number(fraction === undefined ? digits : `${digits}.${fraction}`);
}

/**
 * Seconds written in a JUnit `time` attribute, or `undefined` when the value
 * is missing, negative, not a number, or ambiguous. The rules, in order:
 *
 * 1. A plain number (`1.5`, `.5`, `1.5E-4`) is read as such; a single `.` is
 *    always the decimal point.
 * 2. Otherwise the last `,` or `.` is the decimal separator, unless the
 *    characters before it form valid groups of three digits with it —
 *    `14,029.255` → 14029.255, `1.234,5` → 1234.5, `1,234,567` → 1234567,
 *    `1.234.567` → 1234567. The integer part may carry one kind of group
 *    separator (`,` `.` space, no-break space, apostrophe), in valid groups
 *    only (a first group of 1–3 digits not starting with 0, then groups of 3).
 * 3. A single comma is a decimal comma (`0,160` → 0.16, `1,5` → 1.5,
 *    `12,34` → 12.34) except where it could equally be a thousands separator:
 *    `1,234` (one to three digits, no leading zero, a comma, three digits) is
 *    1.234 s in one locale and 1234 s in another, so it gives `undefined`.
 *
 * Negative values give `undefined` (a duration cannot be negative).
 */
export function parseSeconds(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  if (isDecimal(time)) return Number(time);
  const text = time.trim();
  if (text === '') return undefined;
  if (PLAIN.test(text)) return finite(Number(text));
  const decimal = Math.max(text.lastIndexOf(','), text.lastIndexOf('.'));
  if (decimal < 0) return finite(fromParts(text, undefined));
  const mark = text[decimal]!;
  const integer = text.slice(0, decimal);
  const fraction = text.slice(decimal + 1);
  // The whole value grouped by its last mark (`1,234,567`, `1.234.567`): an integer.
  if (isGrouped(text, mark)) {
    if (mark === '.' || text.split(',').length > 2) return finite(fromParts(text, undefined));
    // One comma between valid groups (`1,234`): decimal comma or thousands? Ambiguous.
    return undefined;
  }
  if (integer === '' && mark === ',') return finite(fromParts('0', fraction));
  return finite(fromParts(integer, fraction));
}

/** `12`, `1.5`, `.5`, `3.`: digits with at most one point — the common case, read without regexes. */
function isDecimal(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 20) return false;
  let digits = 0;
  let points = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e) points++;
    else return false;
  }
  return digits > 0 && points <= 1;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * A `time` attribute (seconds, see {@link parseSeconds}) in milliseconds,
 * rounded to the microsecond; `undefined` for missing, junk, negative or
 * ambiguous values.
 */
export function parseDurationMs(time: string | undefined): number | undefined {
  const seconds = parseSeconds(time);
  return seconds === undefined ? undefined : Math.round(seconds * 1e6) / 1e3;
}
