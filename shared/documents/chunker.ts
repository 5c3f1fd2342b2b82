/**
 * Chunking: a parsed document's blocks become chunks that follow its headings.
 * Every chunk carries the heading path of its section; paragraphs, list items
 * and table blocks stay whole; a section longer than the target is split
 * between blocks, and the next chunk repeats the last blocks of the previous
 * one (about 15 % overlap). A single block longer than the target is split
 * between sentences; a sentence longer than that between clauses (after
 * `, ; :` and their CJK forms `，、；：`), then between words (`Intl.Segmenter`,
 * which segments Chinese, Japanese and Thai by dictionary), and a single word
 * longer than the target between grapheme clusters — never inside a
 * character, so a chunk holds only text of the source (no U+FFFD). Chunks of
 * a split block are exact slices of it, whitespace included. Every step is
 * linear in the text. Token counts are `cl100k_base` tokens.
 *
 * @module
 */
import type { DocumentBlock, DocumentChunkDraft } from './document-types.ts';
import { countTokens } from './tokens.ts';

export interface ChunkOptions {
  /** Tokens a chunk aims at (default 800). */
  targetTokens?: number;
  /** Tokens repeated from the end of the previous chunk of the same section (default 15 % of the target). */
  overlapTokens?: number;
}

interface Piece {
  text: string;
  tokens: number;
  page?: number;
}

const SEPARATOR = '\n\n';
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('und', { granularity: 'word' });
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** A clause ends after one of these (and the spaces that follow). */
const CLAUSE_END = /[,;:\u060c\u061b\u3001\uff0c\uff1a\uff1b]\s*/gu;

/** Slices of `text` of at most `target` UTF-8 bytes (so at most `target` tokens), cut between grapheme clusters. */
function graphemeSlices(text: string, target: number, out: Piece[]): void {
  let current = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment);
    if (bytes + size > target && current) {
      out.push({ text: current, tokens: countTokens(current) });
      current = '';
      bytes = 0;
    }
    current += segment;
    bytes += size;
  }
  if (current) out.push({ text: current, tokens: countTokens(current) });
}

const wordTokens = new Map<string, number>();
/** Tokens of one word segment (memoised: words repeat). */
function countWord(segment: string): number {
  let count = wordTokens.get(segment);
  if (count === undefined) {
    count = countTokens(segment);
    if (segment.length <= 32) {
      if (wordTokens.size >= 50_000) wordTokens.clear();
      wordTokens.set(segment, count);
    }
  }
  return count;
}

/** Runs of whole words of `text` of at most `target` tokens (a longer word is cut between graphemes). */
function wordSlices(text: string, target: number, out: Piece[]): void {
  let current = '';
  let tokens = 0;
  for (const { segment } of words.segment(text)) {
    const count = countWord(segment);
    if (tokens + count > target && current) {
      out.push({ text: current, tokens });
      current = '';
      tokens = 0;
    }
    if (count > target) graphemeSlices(segment, target, out);
    else {
      current += segment;
      tokens += count;
    }
  }
  if (current) out.push({ text: current, tokens });
}

/** Consecutive clauses of `sentence` (each keeps its punctuation and the spaces after it). */
function* clauses(sentence: string): Generator<string> {
  let start = 0;
  for (const match of sentence.matchAll(CLAUSE_END)) {
    const end = match.index + match[0].length;
    yield sentence.slice(start, end);
    start = end;
  }
  if (start < sentence.length) yield sentence.slice(start);
}

/** `text` as consecutive slices of at most `target` tokens, cut at the largest boundary that fits. */
function units(text: string, target: number): Piece[] {
  const out: Piece[] = [];
  for (const { segment } of sentences.segment(text)) {
    const tokens = countTokens(segment);
    if (tokens <= target) {
      out.push({ text: segment, tokens });
      continue;
    }
    for (const clause of clauses(segment)) {
      const clauseTokens = countTokens(clause);
      if (clauseTokens <= target) out.push({ text: clause, tokens: clauseTokens });
      else wordSlices(clause, target, out);
    }
  }
  return out;
}

/** Splits a text longer than `target` tokens into windows of at most about `target` with `overlap` repeated. */
function splitLong(text: string, target: number, overlap: number, page: number | undefined): Piece[] {
  const out: Piece[] = [];
  for (const group of pack(units(text, target), target, overlap, '')) {
    const joined = group
      .map((p) => p.text)
      .join('')
      .trim();
    if (joined) out.push({ text: joined, tokens: countTokens(joined), page });
  }
  return out;
}

/** The last sentences of `piece` that fit in `budget` tokens, as in the source (undefined when not even one does). */
function closingSentences(piece: Piece, budget: number): Piece | undefined {
  const starts = [...sentences.segment(piece.text)].map((s) => s.index);
  let text = '';
  for (let i = starts.length - 1; i > 0; i--) {
    const candidate = piece.text.slice(starts[i]).trim();
    if (countTokens(candidate) > budget) break;
    text = candidate;
  }
  return text ? { text, tokens: countTokens(text), page: piece.page } : undefined;
}

/** Groups pieces into runs of at most `target` tokens; each run after the first starts with the tail of the previous one. */
function pack(pieces: Piece[], target: number, overlap: number, separator: string): Piece[][] {
  const groups: Piece[][] = [];
  let current: Piece[] = [];
  let tokens = 0;
  let fresh = 0; // pieces in `current` that are not overlap
  const sepTokens = separator === SEPARATOR ? 1 : 0;
  for (const piece of pieces) {
    if (current.length > 0 && fresh > 0 && tokens + sepTokens + piece.tokens > target) {
      groups.push(current);
      const tail: Piece[] = [];
      let tailTokens = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const candidate = current[i] as Piece;
        if (tailTokens + candidate.tokens > overlap || tailTokens + candidate.tokens + piece.tokens > target)
          break;
        tail.unshift(candidate);
        tailTokens += candidate.tokens + sepTokens;
      }
      if (tail.length === 0) {
        // The last block is larger than the overlap: repeat its closing sentences instead.
        const closing = closingSentences(
          current.at(-1) as Piece,
          Math.min(overlap, target - piece.tokens - sepTokens),
        );
        if (closing) {
          tail.push(closing);
          tailTokens = closing.tokens + sepTokens;
        }
      }
      current = tail;
      tokens = tailTokens;
      fresh = 0;
    }
    current.push(piece);
    tokens += piece.tokens + (current.length > 1 ? sepTokens : 0);
    fresh++;
  }
  if (fresh > 0) groups.push(current);
  return groups;
}

function sameSection(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * The chunks of `blocks`, numbered from 0 in reading order. Sections are runs
 * of consecutive blocks with the same heading path; a chunk never spans two.
 * A chunk's page is the page its first block is on.
 */
export function chunkBlocks(
  blocks: readonly DocumentBlock[],
  options: ChunkOptions = {},
): DocumentChunkDraft[] {
  const target = options.targetTokens ?? 800;
  const overlap = options.overlapTokens ?? Math.round(target * 0.15);
  const chunks: DocumentChunkDraft[] = [];
  let start = 0;
  while (start < blocks.length) {
    const headingPath = (blocks[start] as DocumentBlock).headingPath;
    let end = start;
    while (end < blocks.length && sameSection((blocks[end] as DocumentBlock).headingPath, headingPath)) end++;
    const pieces: Piece[] = [];
    for (const block of blocks.slice(start, end)) {
      const text = block.text.trim();
      if (!text) continue;
      const tokens = countTokens(text);
      if (tokens <= target) pieces.push({ text, tokens, page: block.page });
      else pieces.push(...splitLong(text, target, overlap, block.page));
    }
    for (const group of pack(pieces, target, overlap, SEPARATOR)) {
      const text = group.map((p) => p.text).join(SEPARATOR);
      const page = group[0]?.page;
      chunks.push({
        ordinal: chunks.length,
        headingPath: [...headingPath],
        text,
        tokenCount: countTokens(text),
        ...(page === undefined ? {} : { page }),
      });
    }
    start = end;
  }
  return chunks;
}
