/**
 * Splits a long Markdown document into pieces that parse independently, at
 * block boundaries that no construct can span: a blank line followed by a
 * line at column 0, or a column-0 ATX heading or bullet (weaker, used when a
 * piece grows too large without a blank line). Never inside a fenced code
 * block, an HTML comment block or a raw-text HTML block. micromark's cost
 * grows faster than linearly with the number of blocks it holds at once;
 * parsing bounded pieces keeps big bodies fast. Documents shorter than the
 * target size are a single piece, so ordinary issues parse exactly as a whole.
 */

/** A piece of the document and where it starts. */
export interface Chunk {
  readonly text: string;
  /** Offset of the chunk's first character in the whole document. */
  readonly offset: number;
  /** 0-based line number of the chunk's first line in the whole document. */
  readonly line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const RAW_HTML_OPEN = /^ {0,3}<(pre|script|style|textarea)(?:\s|>|$)/i;
const STRONG_START = /^\S/;
const WEAK_START = /^(?:#{1,6}(?:\s|$)|[-*+]\s)/;

interface BlockState {
  fence: string | null;
  htmlEnd: string | null;
}

/** Advances the fence/HTML state over one line; true when the line is inside (or opens/closes) such a block. */
function step(line: string, state: BlockState): boolean {
  if (state.fence !== null) {
    const close = FENCE.exec(line);
    if (
      close &&
      close[1]![0] === state.fence[0] &&
      close[1]!.length >= state.fence.length &&
      close[2]!.trim() === ''
    ) {
      state.fence = null;
    }
    return true;
  }
  if (state.htmlEnd !== null) {
    if (line.toLowerCase().includes(state.htmlEnd)) state.htmlEnd = null;
    return true;
  }
  const open = FENCE.exec(line);
  if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
    state.fence = open[1]!;
    return true;
  }
  const trimmed = line.trimStart();
  if (line.length - trimmed.length <= 3 && trimmed.startsWith('<!--')) {
    if (!trimmed.includes('-->', 4)) state.htmlEnd = '-->';
    return true;
  }
  const raw = RAW_HTML_OPEN.exec(line);
  if (raw) {
    const end = `</${raw[1]!.toLowerCase()}>`;
    if (!line.toLowerCase().includes(end)) state.htmlEnd = end;
    return true;
  }
  return false;
}

/** Splits `text` into chunks of about `target` characters (see module comment). */
export function splitIntoChunks(text: string, target: number): Chunk[] {
  if (text.length <= target) return [{ text, offset: 0, line: 0 }];
  const lines = text.split('\n');
  const chunks: Chunk[] = [];
  const state: BlockState = { fence: null, htmlEnd: null };
  let start = 0;
  let startLine = 0;
  let offset = 0;
  let previousBlank = false;
  lines.forEach((line, n) => {
    const size = offset - start;
    const free = state.fence === null && state.htmlEnd === null;
    const boundary =
      free &&
      n > startLine &&
      ((previousBlank && STRONG_START.test(line)) || (size >= 2 * target && WEAK_START.test(line)));
    if (boundary && size >= target) {
      chunks.push({ text: text.slice(start, offset), offset: start, line: startLine });
      start = offset;
      startLine = n;
    }
    step(line, state);
    previousBlank = line.trim() === '';
    offset += line.length + 1;
  });
  if (start < text.length) chunks.push({ text: text.slice(start), offset: start, line: startLine });
  return chunks;
}
