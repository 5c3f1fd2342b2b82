import { normalizeText } from '../similarity/normalize.ts';
import { documentScenarios } from './document-gherkin.ts';
import type { Entry } from './entries.ts';
import { DEFAULT_LIMITS, prepareSource } from './limits.ts';
import { modalEntries } from './modal.ts';
import { parseMarkdown } from './parse.ts';
import { isPlaceholder } from './placeholders.ts';
import { renderFlat } from './render.ts';
import { findCriteriaSections } from './sections.ts';
import { taskEntries } from './tasklist.ts';
import { cleanItemText } from './text.ts';
import type {
  ExtractedItem,
  ExtractionInput,
  ExtractionOptions,
  ExtractionResult,
  ExtractorSource,
} from './types.ts';

function titleText(title: string | null | undefined): string {
  if (!title) return '';
  const root = parseMarkdown(title.slice(0, 1024));
  return root.children.map((node) => ('children' in node ? renderFlat(node.children) : '')).join(' ');
}

function toItems(
  entries: readonly Entry[],
  source: ExtractorSource,
  maxChars: number,
  plain: boolean,
): ExtractedItem[] {
  const items: ExtractedItem[] = [];
  for (const entry of [...entries].sort((a, b) => a.order - b.order)) {
    const raw = plain ? entry.text.replace(/\*\*|__|~~/g, '') : entry.text;
    const clean = cleanItemText(raw, maxChars);
    if (clean.text === '' || isPlaceholder(clean.text, { gherkin: entry.kind === 'scenario' })) continue;
    const checked = entry.checked ?? clean.checked;
    const itemSource = entry.kind === 'scenario' ? 'gherkin' : source;
    items.push(
      checked === undefined
        ? { text: clean.text, source: itemSource }
        : { text: clean.text, source: itemSource, checked },
    );
  }
  return items;
}

function dedupe(items: readonly ExtractedItem[]): ExtractedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = normalizeText(item.text);
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Extracts the acceptance criteria of an issue (SPEC §2), from its Markdown
 * body parsed with GFM, in this order of precedence:
 *
 * 1. criteria sections — under a heading, bold label or line label naming
 *    acceptance criteria / AC / definition of done / requirements / success
 *    criteria / expected behaviour (in several languages) — plus Gherkin
 *    scenarios anywhere (`source: 'section' | 'gherkin'`);
 * 2. otherwise task-list items (`'tasklist'`);
 * 3. otherwise sentences with must / should / shall in the title and body (`'modal'`).
 *
 * Nested bullets are folded into their parent; code blocks (other than
 * Gherkin), quotes, HTML comments and template placeholders never yield items.
 * Bounded in time and memory: the body is cut to `maxBodyBytes`, deep nesting
 * is flattened, and at most `maxItems` items are returned. Never throws on
 * any string input.
 */
export function extractCriteria(input: ExtractionInput, options: ExtractionOptions = {}): ExtractionResult {
  const maxItems = options.maxItems ?? DEFAULT_LIMITS.maxItems;
  const maxBytes = options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes;
  const maxChars = options.maxItemChars ?? DEFAULT_LIMITS.maxItemChars;
  const source = prepareSource(input.body ?? '', maxBytes);
  const root = parseMarkdown(source.text, { plainInline: source.plainInline });
  const plain = source.plainInline;

  const sections = findCriteriaSections(root);
  const scenarios = documentScenarios(root, sections.consumed);
  let items = toItems([...sections.entries, ...scenarios], 'section', maxChars, plain);
  if (items.length === 0) items = toItems(taskEntries(root), 'tasklist', maxChars, plain);
  if (items.length === 0)
    items = toItems(modalEntries(titleText(input.title), root), 'modal', maxChars, plain);

  const unique = dedupe(items);
  return {
    items: unique.slice(0, maxItems),
    truncated: source.truncated || unique.length > maxItems,
    totalFound: unique.length,
  };
}
