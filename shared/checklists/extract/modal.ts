import type { List, Root } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { ownText } from './lists.ts';
import { type RenderedLine, renderLines } from './render.ts';
import { collapseWhitespace, splitSentences } from './text.ts';

/**
 * The last resort: sentences with must / should / shall (and their usual
 * equivalents in a few other languages) in the title, paragraphs and list
 * items. Questions are skipped; quotes, code, HTML, tables and headings are
 * never read.
 */

const MODAL_LATIN =
  /\b(?:must|mustn't|should|shouldn't|shall|shan't|debe|deben|debería|deberían|doit|doivent|devrait|devraient|muss|müssen|soll|sollen|sollte|sollten|deve|devem|deveria|devono|dovrebbe|moet|moeten)\b/iu;
const MODAL_CJK = /必须|必須|应该|應該|应当|べき|なければならない|必要があ|해야/u;
const SENTENCE_END = /[.!?。！？;:]$/u;

/** True when a sentence states a requirement with must/should/shall and is not a question. */
export function isModalSentence(sentence: string): boolean {
  if (/[?？]/u.test(sentence)) return false;
  return MODAL_LATIN.test(sentence) || MODAL_CJK.test(sentence);
}

/** Joins hard-wrapped lines back into running text; a line ending a sentence starts a new segment. */
function segments(lines: readonly RenderedLine[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const continues = current !== '' && !SENTENCE_END.test(current) && /^[\p{Ll}\p{N}(]/u.test(line.text);
    if (continues) current = `${current} ${line.text}`;
    else {
      if (current !== '') out.push(current);
      current = line.text;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

function sentenceEntries(texts: readonly string[], order: number, out: Entry[]): void {
  let sub = 0;
  for (const text of texts) {
    for (const sentence of splitSentences(collapseWhitespace(text))) {
      if (isModalSentence(sentence)) out.push({ kind: 'line', text: sentence, order: order + sub });
      sub += 1;
    }
  }
}

/** Modal sentences of the title (first) and the body. */
export function modalEntries(title: string, root: Root): Entry[] {
  const out: Entry[] = [];
  sentenceEntries([title], -1024, out);
  const lists: { list: List; depth: number }[] = [];
  for (const node of root.children) {
    if (node.type === 'paragraph') sentenceEntries(segments(renderLines(node.children)), orderOf(node), out);
    else if (node.type === 'list') lists.push({ list: node, depth: 0 });
  }
  for (let top = lists.pop(); top !== undefined; top = lists.pop()) {
    for (const item of top.list.children) {
      sentenceEntries([ownText(item)], orderOf(item), out);
      if (top.depth >= DEFAULT_LIMITS.maxFoldDepth * 2) continue;
      for (const child of item.children)
        if (child.type === 'list') lists.push({ list: child, depth: top.depth + 1 });
    }
  }
  return out.sort((a, b) => a.order - b.order);
}
