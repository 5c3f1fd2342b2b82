import { extractCriteria } from '../../../shared/checklists/extract/index.ts';

/** Texts of the items extracted from `body` (and optional `title`). */
export function texts(body: string, title = ''): string[] {
  return extractCriteria({ title, body }).items.map((i) => i.text);
}

/** Joins lines with `\n` so test bodies read like the Markdown they are. */
export function md(...lines: string[]): string {
  return lines.join('\n');
}
