/** Hidden marker that identifies Assay's checklist comment on an issue. */
export const CHECKLIST_MARKER = '<!-- assay:checklist -->';

/** Characters of an item's text shown in the comment. */
const MAX_ITEM_CHARS = 300;

export interface CommentItem {
  tid: number;
  text: string;
  proven: boolean;
}

/**
 * The checklist comment: one `- [ ] **T12** text` line per active item
 * (`[x]` when proven on the default branch), then how to tag tests. Says so
 * when the list was capped, and when the issue has no criteria.
 */
export function renderChecklistComment(
  items: readonly CommentItem[],
  info: { truncated: boolean; totalFound: number },
): string {
  const lines = [CHECKLIST_MARKER, '### Acceptance criteria (Assay)', ''];
  if (items.length === 0) {
    lines.push(
      'No acceptance criteria found in this issue. Add an **Acceptance criteria** section, a task list, or Gherkin scenarios, and Assay will track each one.',
    );
  } else {
    for (const item of items) {
      // 200 items × 300 characters stays well inside GitHub's 65,536 (the API has the full text).
      const flat = item.text.replace(/\s+/g, ' ').trim();
      const text = flat.length > MAX_ITEM_CHARS ? `${flat.slice(0, MAX_ITEM_CHARS - 1)}…` : flat;
      lines.push(`- [${item.proven ? 'x' : ' '}] **T${item.tid}** ${text}`);
    }
  }
  if (info.truncated) {
    lines.push(
      '',
      `> Showing the first ${items.length} of ${info.totalFound} criteria found; the rest are not tracked.`,
    );
  }
  if (items.length > 0) {
    const example = items[0]?.tid ?? 1;
    lines.push(
      '',
      `<sub>Prove an item with a test that carries its id: a name starting \`T${example}::\` (e.g. \`T${example}::rejects an invalid email\`), a classname \`autoqa:T${example}\`, or \`[T${example}]\` anywhere in the test name. Boxes are ticked when the item is proven on the default branch. Comment \`/assay regenerate\` to rebuild this list.</sub>`,
    );
  }
  return lines.join('\n');
}
