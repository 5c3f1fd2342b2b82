/**
 * Token counting for chunking, with OpenAI's `cl100k_base` encoding (the one
 * of the `text-embedding-3-*` models). The rank file ships inside
 * `js-tiktoken`; nothing is downloaded at run time.
 *
 * tiktoken splits text with the encoding's pattern and encodes each piece on
 * its own, so the tokens of a text are the tokens of its pieces in order;
 * pieces (words, mostly) repeat, and their tokens are remembered in a bounded
 * cache, which makes counting a long document several times faster.
 *
 * Byte-pair encoding a piece costs time quadratic in its length (a 7.5 KB
 * run of Chinese without spaces is one piece and took seconds), so a piece
 * longer than {@link MAX_PIECE_CHARS} is encoded in slices of at most that
 * many characters, cut between code points: counting stays linear in the
 * text. A sliced piece may count a token or two more than OpenAI's own
 * count, never fewer per slice; chunk sizes only need the estimate.
 *
 * @module
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

const CACHE_LIMIT = 50_000;
/** Longest piece encoded in one go (UTF-16 code units). */
export const MAX_PIECE_CHARS = 64;

let encoder: Tiktoken | undefined;
const cache = new Map<string, number[]>();
const piecePattern = new RegExp(cl100kBase.pat_str, 'gu');

function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(cl100kBase);
  return encoder;
}

/** The piece in slices of at most {@link MAX_PIECE_CHARS}, never cutting a surrogate pair. */
function* slices(piece: string): Generator<string> {
  let start = 0;
  while (start < piece.length) {
    let end = Math.min(piece.length, start + MAX_PIECE_CHARS);
    const last = piece.charCodeAt(end - 1);
    if (end < piece.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield piece.slice(start, end);
    start = end;
  }
}

function encodePiece(piece: string): number[] {
  if (piece.length > MAX_PIECE_CHARS) return [...slices(piece)].flatMap(encodeSlice);
  return encodeSlice(piece);
}

function encodeSlice(piece: string): number[] {
  let tokens = cache.get(piece);
  if (tokens === undefined) {
    tokens = getEncoder().encode(piece, [], []);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(piece, tokens);
  }
  return tokens;
}

/** The `cl100k_base` tokens of `text` (special-token text is encoded as ordinary text). */
export function encodeTokens(text: string): number[] {
  const out: number[] = [];
  for (const match of text.matchAll(piecePattern)) {
    for (const token of encodePiece(match[0])) out.push(token);
  }
  return out;
}

/** The text of `tokens`. */
export function decodeTokens(tokens: number[]): string {
  return getEncoder().decode(tokens);
}

/** How many `cl100k_base` tokens `text` is. */
export function countTokens(text: string): number {
  let count = 0;
  for (const match of text.matchAll(piecePattern)) count += encodePiece(match[0]).length;
  return count;
}
