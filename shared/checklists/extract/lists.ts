import type { List, ListItem } from 'mdast';
import { checkedOf, type Entry, orderOf } from './entries.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { isPlaceholder } from './placeholders.ts';
import { renderFlat } from './render.ts';
import { collapseWhitespace } from './text.ts';

/**
 * List items as criteria: an item's own paragraphs, with nested bullets folded
 * into it — `parent: child; child`, deeper levels in parentheses —
 * so that nested bullets stay with their parent.
 */

/** Text of the item's own paragraphs (not its nested lists, code or quotes). */
export function ownText(item: ListItem): string {
  const parts: string[] = [];
  for (const child of item.children) {
    if (child.type === 'paragraph' || child.type === 'heading') parts.push(renderFlat(child.children));
  }
  return collapseWhitespace(parts.join(' '));
}

function nestedLists(item: ListItem): List[] {
  return item.children.filter((c): c is List => c.type === 'list');
}

/** Folded text of a list item and its nested items. */
export function foldItem(item: ListItem, depth = 0): string {
  const own = ownText(item);
  if (depth >= DEFAULT_LIMITS.maxFoldDepth) return own;
  const kids: string[] = [];
  for (const list of nestedLists(item)) {
    for (const child of list.children) {
      const text = foldItem(child, depth + 1);
      if (text !== '' && !isPlaceholder(text)) kids.push(text);
    }
  }
  if (kids.length === 0) return own;
  if (own === '') return kids.join('; ');
  if (depth > 0) return `${own} (${kids.join('; ')})`;
  return `${own.replace(/[:：]$/u, '')}: ${kids.join('; ')}`;
}

/** One entry per top-level item of `list`, nested items folded in. */
export function listEntries(list: List): Entry[] {
  return list.children.map((item) => {
    const checked = checkedOf(item);
    const text = foldItem(item);
    const order = orderOf(item);
    return checked === undefined ? { kind: 'list', text, order } : { kind: 'list', text, checked, order };
  });
}
