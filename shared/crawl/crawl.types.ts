/**
 * The shapes of the crawl context: the request a user makes, the crawl and
 * page records the API returns, and the queue message.
 *
 * @module
 */
import { z } from 'zod';
import { text } from '../text/text-schema.ts';
import { uuid } from '../text/uuid.ts';

/** Hard limits on a crawl request (SPEC §8; issue "Crawling the application under test"). */
export const CRAWL_LIMITS = { maxPages: 500, defaultMaxPages: 50, maxDepth: 20, defaultMaxDepth: 3 } as const;

export const crawlStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type CrawlStatus = z.infer<typeof crawlStatusSchema>;

/** One scripted step run before the crawl, in order, to sign in. */
export const loginStepSchema = z
  .object({
    action: z.enum(['goto', 'fill', 'click', 'press', 'waitFor']),
    url: text().max(2000).optional(),
    selector: text().min(1).max(500).optional(),
    value: text().max(1000).optional(),
  })
  .superRefine((step, ctx) => {
    const need = (field: 'url' | 'selector' | 'value') => {
      if (step[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `${step.action} needs ${field}` });
    };
    if (step.action === 'goto') need('url');
    if (step.action === 'fill') {
      need('selector');
      need('value');
    }
    if (step.action === 'click') need('selector');
    if (step.action === 'press') {
      need('selector');
      need('value');
    }
    if (step.action === 'waitFor' && step.selector === undefined && step.url === undefined)
      ctx.addIssue({ code: 'custom', path: ['selector'], message: 'waitFor needs selector or url' });
  });
export type LoginStep = z.infer<typeof loginStepSchema>;

export const httpUrlSchema = text()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

/** Body of `POST /api/v1/orgs/{org}/crawls`. */
export const crawlRequestSchema = z
  .object({
    startUrl: httpUrlSchema,
    maxPages: z.number().int().min(1).max(CRAWL_LIMITS.maxPages).default(CRAWL_LIMITS.defaultMaxPages),
    maxDepth: z.number().int().min(0).max(CRAWL_LIMITS.maxDepth).default(CRAWL_LIMITS.defaultMaxDepth),
    scope: z.enum(['same-origin', 'same-hostname']).default('same-origin'),
    loginSteps: z.array(loginStepSchema).max(30).default([]),
    exclude: z.array(text().min(1).max(500)).max(100).default([]),
    respectRobotsTxt: z.boolean().default(true),
  })
  .strict();
export type CrawlRequest = z.infer<typeof crawlRequestSchema>;

/** A login step as the API shows it: never the value, only whether one is kept. */
export const loginStepViewSchema = z.object({
  action: loginStepSchema.shape.action,
  url: text().optional(),
  selector: text().optional(),
  hasValue: z.boolean(),
});

export const crawlSchema = z
  .object({
    id: uuid(),
    startUrl: text(),
    status: crawlStatusSchema,
    maxPages: z.number().int(),
    maxDepth: z.number().int(),
    scope: z.enum(['same-origin', 'same-hostname']),
    exclude: z.array(text()),
    respectRobotsTxt: z.boolean(),
    loginSteps: z.array(loginStepViewSchema),
    pagesCrawled: z.number().int(),
    pagesFailed: z.number().int(),
    pagesSkipped: z.number().int(),
    /** Why the crawl stopped: every reachable page seen, a limit, the time bound, a cancel, or an error. */
    stopReason: z.enum(['completed', 'max-pages', 'time-limit', 'cancelled', 'error']).nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    error: text().optional(),
  })
  .meta({ id: 'Crawl' });
export type CrawlView = z.infer<typeof crawlSchema>;

const locatorSchema = text().meta({ example: "getByRole('button', { name: 'Sign in' })" });

export const crawlFieldSchema = z.object({
  label: text().nullable(),
  name: text().nullable(),
  type: text(),
  required: z.boolean(),
  locator: locatorSchema.nullable(),
  options: z.array(text()).optional(),
});
export const crawlFormSchema = z.object({
  locator: locatorSchema.nullable(),
  action: text().nullable(),
  method: text(),
  fields: z.array(crawlFieldSchema),
  submit: z.object({ text: text(), locator: locatorSchema.nullable() }).optional(),
});
export const crawlLinkSchema = z.object({
  href: text(),
  text: text(),
  followed: z.boolean(),
  /** Why it was not followed: scheme, off-scope, logout, excluded, robots, depth, max-pages, invalid. */
  reason: text().optional(),
});

/** What a crawl recorded about one page (without its screenshot URL, which is signed per request). */
export const crawlPageBodySchema = z.object({
  url: text(),
  depth: z.number().int(),
  /** Where the page's in-scope redirects led, when it redirected. */
  redirectedTo: text().optional(),
  httpStatus: z.number().int().nullable(),
  /** `crawled` (HTML read), `failed` (error status, timeout, refused, too large) or `skipped` (not HTML, redirected off scope). */
  outcome: z.enum(['crawled', 'failed', 'skipped']),
  error: text().optional(),
  title: text().nullable(),
  headings: z.array(z.object({ level: z.number().int(), text: text() })),
  links: z.array(crawlLinkSchema),
  forms: z.array(crawlFormSchema),
  buttons: z.array(z.object({ name: text(), locator: locatorSchema.nullable() })),
  ariaSnapshot: text().nullable(),
});
export type CrawlPageBody = z.infer<typeof crawlPageBodySchema>;

export const crawlPageSchema = crawlPageBodySchema
  .extend({ id: uuid(), screenshotUrl: text().nullable() })
  .meta({ id: 'CrawlPage' });
export type CrawlPageView = z.infer<typeof crawlPageSchema>;

/** Crawl queue: run one crawl. */
export const crawlMessageSchema = z.object({ orgId: uuid(), crawlId: uuid() });
export type CrawlMessage = z.infer<typeof crawlMessageSchema>;
