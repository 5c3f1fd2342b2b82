import type { CrawlPageBody } from '../../crawl/crawl.types.ts';
import type { CrawlFacts } from '../agents.types.ts';

/**
 * What the automation stage and verify know about a crawled app, from the
 * crawl's stored pages (`GET …/crawls/{id}/pages` bodies): only pages whose
 * HTML was read (`outcome: 'crawled'`), with their headings, links, forms
 * (fields, submit, action, method), buttons and recorded locators, in crawl
 * order. Pure.
 */
export function crawlFactsFromPages(
  crawlId: string,
  startUrl: string,
  pages: readonly CrawlPageBody[],
): CrawlFacts {
  return {
    crawlId,
    startUrl,
    pages: pages
      .filter((page) => page.outcome === 'crawled')
      .map((page) => ({
        url: page.url,
        title: page.title,
        headings: page.headings.map((h) => ({ level: h.level, text: h.text })),
        links: page.links.map((l) => ({ href: l.href, text: l.text })),
        forms: page.forms.map((form) => ({
          locator: form.locator,
          action: form.action,
          method: form.method,
          fields: form.fields.map((f) => ({
            label: f.label,
            name: f.name,
            type: f.type,
            required: f.required,
            locator: f.locator,
            ...(f.options ? { options: f.options } : {}),
          })),
          ...(form.submit ? { submit: { text: form.submit.text, locator: form.submit.locator } } : {}),
        })),
        buttons: page.buttons.map((b) => ({ name: b.name, locator: b.locator })),
      })),
  };
}

/** Every locator expression the crawl recorded (forms, fields, submits, buttons). */
export function crawlLocators(crawl: CrawlFacts): Set<string> {
  const out = new Set<string>();
  for (const page of crawl.pages) {
    for (const form of page.forms) {
      if (form.locator) out.add(form.locator);
      if (form.submit?.locator) out.add(form.submit.locator);
      for (const field of form.fields) if (field.locator) out.add(field.locator);
    }
    for (const button of page.buttons) if (button.locator) out.add(button.locator);
  }
  return out;
}
