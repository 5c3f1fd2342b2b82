import type { List, Root } from 'mdast';
import { checkedOf, type Entry, orderOf } from './entries.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { foldItem } from './lists.ts';

/**
 * Task-list items (`- [ ]`, `- [x]`) anywhere in the document outside quotes,
 * the outermost ones only (nested items are folded into their parent). A task
 * nested under a plain bullet counts as a task.
 */
export function taskEntries(root: Root): Entry[] {
  const out: Entry[] = [];
  const stack: { list: List; depth: number }[] = [];
  for (let i = root.children.length - 1; i >= 0; i -= 1) {
    const node = root.children[i]!;
    if (node.type === 'list') stack.push({ list: node, depth: 0 });
  }
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const nested: { list: List; depth: number }[] = [];
    for (const item of top.list.children) {
      const checked = checkedOf(item);
      if (checked !== undefined) {
        out.push({ kind: 'list', text: foldItem(item), checked, order: orderOf(item) });
      } else if (top.depth < DEFAULT_LIMITS.maxFoldDepth * 2) {
        for (const child of item.children)
          if (child.type === 'list') nested.push({ list: child, depth: top.depth + 1 });
      }
    }
    for (let i = nested.length - 1; i >= 0; i -= 1) stack.push(nested[i]!);
  }
  return out.sort((a, b) => a.order - b.order);
}
