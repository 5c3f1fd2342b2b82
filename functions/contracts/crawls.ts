import { z } from 'zod';
import { crawlPageSchema, crawlRequestSchema, crawlSchema } from '../../shared/crawl/crawl.types.ts';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';

// The organisation is named by its login, exactly as in the other organisation routes.
const orgParams = z.object({ org: text().min(1).max(100) });
const crawlParams = orgParams.extend({ id: uuid() });
const pageQuery = z.object({
  cursor: text().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const postCrawl = defineRoute({
  route: 'POST /api/v1/orgs/{org}/crawls',
  auth: 'session',
  action: 'crawls:create',
  orgParam: 'org',
  summary: 'Crawl the application under test',
  description:
    'Queues a crawl of `startUrl` (breadth-first, each page once, within `scope`, `maxPages` ≤ 500, `maxDepth`, ' +
    '`exclude` globs, robots.txt unless `respectRobotsTxt` is false), after the optional `loginSteps`. ' +
    'Login step values are stored encrypted until the run ends and never returned. Targets that resolve to ' +
    'loopback, private, link-local, CGNAT, multicast or unspecified addresses are refused unless the ' +
    'deployment allows them (`ASSAY_CRAWL_ALLOWED_HOSTS`).',
  tags: ['crawls'],
  params: orgParams,
  body: crawlRequestSchema,
  response: z.object({ crawl: z.object({ id: uuid(), status: z.literal('queued') }) }),
  successStatus: 202,
  errors: {
    400: 'Invalid body, or `target_refused`: the start URL resolves to an address a crawl may not reach',
  },
});

export const getCrawls = defineRoute({
  route: 'GET /api/v1/orgs/{org}/crawls',
  auth: 'session',
  action: 'crawls:read',
  orgParam: 'org',
  summary: "An organisation's crawls",
  description: 'Newest first, cursor-paginated.',
  tags: ['crawls'],
  params: orgParams,
  query: pageQuery,
  response: z.object({ crawls: z.array(crawlSchema), nextCursor: text().nullable() }),
});

export const getCrawl = defineRoute({
  route: 'GET /api/v1/orgs/{org}/crawls/{id}',
  auth: 'session',
  action: 'crawls:read',
  orgParam: 'org',
  summary: 'One crawl',
  description:
    'Status (queued, running, succeeded, failed, cancelled), counts as they grow, and the error of a failed crawl.',
  tags: ['crawls'],
  params: crawlParams,
  response: crawlSchema,
});

export const postCrawlCancel = defineRoute({
  route: 'POST /api/v1/orgs/{org}/crawls/{id}/cancel',
  auth: 'session',
  action: 'crawls:cancel',
  orgParam: 'org',
  summary: 'Cancel a crawl',
  description:
    'A queued crawl never runs; a running one stops before its next page and keeps what it recorded. Cancelling again answers the same; a finished crawl → 409 `crawl_finished`.',
  tags: ['crawls'],
  params: crawlParams,
  response: crawlSchema,
  errors: { 409: 'The crawl has already finished' },
});

export const getCrawlPages = defineRoute({
  route: 'GET /api/v1/orgs/{org}/crawls/{id}/pages',
  auth: 'session',
  action: 'crawls:read',
  orgParam: 'org',
  summary: 'The pages a crawl recorded',
  description:
    'In crawl order, cursor-paginated: headings, links (followed or not, and why), forms with their fields, buttons, ' +
    "a Playwright locator for each element (checked to match exactly one element when recorded), Playwright's aria " +
    'snapshot, and `screenshotUrl`, a presigned GET of the PNG (valid one hour).',
  tags: ['crawls'],
  params: crawlParams,
  query: pageQuery,
  response: z.object({ pages: z.array(crawlPageSchema), nextCursor: text().nullable() }),
});
