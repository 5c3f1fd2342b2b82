import type { ListItem, Node } from 'mdast';

/**
 * A candidate criterion collected from the tree, before clean-up: a folded
 * list item, a line of a paragraph, a table row, or a Gherkin scenario.
 */
export interface Entry {
  readonly kind: 'list' | 'line' | 'row' | 'scenario';
  readonly text: string;
  readonly checked?: boolean;
  /** Document-order key. */
  readonly order: number;
}

/** Document-order key of a node (plus a sub-index for lines inside it). */
export function orderOf(node: Node, sub = 0): number {
  return (node.position?.start.offset ?? 0) * 1024 + Math.min(sub, 1023);
}

/** Task-list state of a list item, or undefined for a plain bullet. */
export function checkedOf(item: ListItem): boolean | undefined {
  return typeof item.checked === 'boolean' ? item.checked : undefined;
}
