import type { CrawlFacts } from '../agents.types.ts';

const MAX_PAGES = 60;

/** The pages of a crawl as a prompt shows them: paths, titles, headings, forms, buttons and their locators. */
export function crawlSummary(crawl: CrawlFacts): unknown[] {
  const origin = new URL(crawl.startUrl).origin;
  return crawl.pages.slice(0, MAX_PAGES).map((page) => ({
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
