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
 * @module
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

const CACHE_LIMIT = 50_000;

let encoder: Tiktoken | undefined;
const cache = new Map<string, number[]>();
const piecePattern = new RegExp(cl100kBase.pat_str, 'gu');

function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(cl100kBase);
  return encoder;
}

function encodePiece(piece: string): number[] {
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
