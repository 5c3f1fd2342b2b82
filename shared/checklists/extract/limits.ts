/**
 * Resource guards applied to an issue body before it is parsed. They bound the
 * parser's worst cases (micromark is super-linear on very deep container
 * nesting and on huge runs of emphasis markers) without changing how ordinary
 * issues parse. This is not extraction: no criteria are looked for here.
 */

/** Default limits used by the extractor. */
export const DEFAULT_LIMITS = {
  maxItems: 200,
  maxBodyBytes: 256 * 1024,
  maxItemChars: 500,
  /** Leading-whitespace columns kept on a line (deeper indentation is flattened). */
  maxIndent: 32,
  /** Container markers (`>`, `-`, `1.`) kept at the start of a line. */
  maxContainerMarkers: 16,
  /** Above this many `*`/`_`/`~` characters, emphasis and strikethrough are not parsed. */
  maxAttentionMarkers: 5000,
  /** Nested list levels folded into a parent item. */
  maxFoldDepth: 6,
} as const;

/** A body ready for the parser. */
export interface PreparedSource {
  readonly text: string;
  /** The body was longer than the byte limit and was cut. */
  readonly truncated: boolean;
  /** Emphasis/strikethrough parsing must be disabled (too many markers). */
  readonly plainInline: boolean;
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes, at the last line break when
 * there is one in the second half of the kept part.
 */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let cut = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, maxBytes));
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  const newline = cut.lastIndexOf('\n');
  return { text: newline > cut.length / 2 ? cut.slice(0, newline + 1) : cut, truncated: true };
}

interface LinePrefix {
  /** Index where leading whitespace ends. */
  readonly indentEnd: number;
  /** Width of the leading whitespace in columns. */
  readonly indentWidth: number;
  /** End index of each container marker (with its following whitespace). */
  readonly markerEnds: readonly number[];
}

function scanPrefix(line: string): LinePrefix {
  let i = 0;
  let width = 0;
  while (line[i] === ' ' || line[i] === '\t') {
    width += line[i] === '\t' ? 4 - (width % 4) : 1;
    i += 1;
  }
  const indentEnd = i;
  const markerEnds: number[] = [];
  for (;;) {
    let j = i;
    const c = line[j];
    if (c === '>') j += 1;
    else if ((c === '-' || c === '*' || c === '+') && (line[j + 1] === ' ' || line[j + 1] === '\t')) j += 1;
    else {
      while (j - i < 9 && line[j] !== undefined && line[j]! >= '0' && line[j]! <= '9') j += 1;
      if (j === i || (line[j] !== '.' && line[j] !== ')') || (line[j + 1] !== ' ' && line[j + 1] !== '\t'))
        break;
      j += 1;
    }
    while (line[j] === ' ' || line[j] === '\t') j += 1;
    markerEnds.push(j);
    i = j;
  }
  return { indentEnd, indentWidth: width, markerEnds };
}

function countAttention(line: string, from: number): number {
  let n = 0;
  for (let i = from; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 42 || c === 95 || c === 126) n += 1;
  }
  return n;
}

/**
 * Applies the byte limit, flattens indentation deeper than `maxIndent`
 * columns, drops container markers beyond `maxContainerMarkers` on a line,
 * and decides whether inline emphasis may be parsed.
 */
export function prepareSource(body: string, maxBytes: number): PreparedSource {
  const { text, truncated } = truncateUtf8(body, maxBytes);
  const lines = text.split('\n');
  let attention = 0;
  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n]!;
    const prefix = scanPrefix(line);
    const last = prefix.markerEnds.at(-1) ?? prefix.indentEnd;
    attention += countAttention(line, last);
    let fixed = line;
    if (prefix.markerEnds.length > DEFAULT_LIMITS.maxContainerMarkers) {
      const keep = prefix.markerEnds[DEFAULT_LIMITS.maxContainerMarkers - 1]!;
      fixed = line.slice(0, keep) + line.slice(last);
    }
    if (prefix.indentWidth > DEFAULT_LIMITS.maxIndent) {
      fixed = ' '.repeat(DEFAULT_LIMITS.maxIndent) + fixed.slice(prefix.indentEnd);
    }
    if (fixed !== line) lines[n] = fixed;
  }
  return { text: lines.join('\n'), truncated, plainInline: attention > DEFAULT_LIMITS.maxAttentionMarkers };
}
