/**
 * Chunking: a parsed document's blocks become chunks that follow its headings.
 * Every chunk carries the heading path of its section; paragraphs, list items
 * and table blocks stay whole; a section longer than the target is split
 * between blocks, and the next chunk repeats the last blocks of the previous
 * one (about 15 % overlap). A single block longer than the target is split
 * between sentences, and a sentence longer than that between tokens, with the
 * same overlap. Token counts are `cl100k_base` tokens.
 *
 * @module
 */
import type { DocumentBlock, DocumentChunkDraft } from './document-types.ts';
import { countTokens, decodeTokens, encodeTokens } from './tokens.ts';

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

/** Splits a text longer than `target` tokens into windows of at most `target` with `overlap` repeated. */
function splitLong(text: string, target: number, overlap: number, page: number | undefined): Piece[] {
  const parts: Piece[] = [];
  for (const { segment } of sentences.segment(text)) {
    const sentence = segment.trim();
    if (!sentence) continue;
    const tokens = countTokens(sentence);
    if (tokens <= target) {
      parts.push({ text: sentence, tokens, page });
      continue;
    }
    const ids = encodeTokens(sentence);
    const step = Math.max(1, target - overlap);
    for (let start = 0; start < ids.length; start += step) {
      const window = ids.slice(start, start + target);
      parts.push({ text: decodeTokens(window).trim(), tokens: window.length, page });
      if (start + target >= ids.length) break;
    }
  }
  return pack(parts, target, overlap, ' ').map((group) => ({
    text: group.map((p) => p.text).join(' '),
    tokens: countTokens(group.map((p) => p.text).join(' ')),
    page,
  }));
}

/** The last sentences of `piece` that fit in `budget` tokens (undefined when not even one does). */
function closingSentences(piece: Piece, budget: number): Piece | undefined {
  const parts = [...sentences.segment(piece.text)].map((s) => s.segment.trim()).filter(Boolean);
  let text = '';
  for (let i = parts.length - 1; i > 0; i--) {
    const candidate = text ? `${parts[i]} ${text}` : (parts[i] as string);
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
