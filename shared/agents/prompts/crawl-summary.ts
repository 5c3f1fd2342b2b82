import type { CrawlFacts } from '../agents.types.ts';
import { pageScore, stems } from '../stages/plan.ts';

/** Pages a prompt shows at most. */
export const MAX_PROMPT_PAGES = 12;

/**
 * The pages of a crawl as a prompt shows them — paths, titles, headings,
 * forms, buttons and their locators — at most {@link MAX_PROMPT_PAGES}: the
 * start page and those sharing the most words with `about` (the
 * requirement), in crawl order.
 */
export function crawlSummary(crawl: CrawlFacts, about = ''): unknown[] {
  const origin = new URL(crawl.startUrl).origin;
  const words = stems(about);
  const chosen = new Set(
    crawl.pages
      .map((page, index) => ({
        index,
        score: index === 0 ? Number.POSITIVE_INFINITY : pageScore(words, page),
      }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, MAX_PROMPT_PAGES)
      .map((x) => x.index),
  );
  return crawl.pages
    .filter((_, index) => chosen.has(index))
    .map((page) => ({
      path: page.url.startsWith(origin) ? page.url.slice(origin.length) || '/' : page.url,
      title: page.title,
      headings: page.headings.map((h) => h.text).slice(0, 10),
      forms: page.forms.map((form) => ({
        locator: form.locator,
        fields: form.fields.map((f) => ({
          label: f.label,
          type: f.type,
          required: f.required,
          locator: f.locator,
        })),
        submit: form.submit ?? null,
      })),
      buttons: page.buttons.map((b) => ({ name: b.name, locator: b.locator })),
    }));
}

/** The words a requirement is about: its title and criteria. */
export function requirementText(requirement: {
  title: string;
  acceptanceCriteria: readonly { text: string }[];
}): string {
  return [requirement.title, ...requirement.acceptanceCriteria.map((c) => c.text)].join('\n');
}
