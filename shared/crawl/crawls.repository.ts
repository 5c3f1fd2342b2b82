/**
 * SQL of the crawl context. Every function runs inside a tenant (or system)
 * transaction the service opened.
 *
 * @module
 */
import { type Selectable, sql, type Transaction } from 'kysely';
import type { CrawlPagesTable, CrawlsTable, Database } from '../db/database.ts';
import { olderThan } from '../identity/pagination.ts';
import type { CrawlPageBody, CrawlView } from './crawl.types.ts';
import type { CrawlCounts, CrawlOutcome } from './crawler.ts';

type Trx = Transaction<Database>;
export type CrawlRow = Selectable<CrawlsTable>;
export type CrawlPageRow = Selectable<CrawlPagesTable>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API view of a crawl row (login step values never included). */
export function toCrawlView(row: CrawlRow): CrawlView {
  return {
    id: row.id,
    startUrl: row.start_url,
    status: row.status,
    maxPages: row.max_pages,
    maxDepth: row.max_depth,
    scope: row.scope,
    exclude: row.exclude,
    respectRobotsTxt: row.respect_robots_txt,
    loginSteps: row.login_steps.map((step) => ({
      action: step.action as CrawlView['loginSteps'][number]['action'],
      ...(step.url !== undefined ? { url: step.url } : {}),
      ...(step.selector !== undefined ? { selector: step.selector } : {}),
      hasValue: step.hasValue,
    })),
    pagesCrawled: row.pages_crawled,
    pagesFailed: row.pages_failed,
    pagesSkipped: row.pages_skipped,
    stopReason: (row.stop_reason as CrawlView['stopReason']) ?? null,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    ...(row.error ? { error: row.error } : {}),
  };
}

export async function insertCrawl(
  trx: Trx,
  values: Omit<
    CrawlRow,
    | 'created_at'
    | 'updated_at'
    | 'started_at'
    | 'finished_at'
    | 'pages_crawled'
    | 'pages_failed'
    | 'pages_skipped'
    | 'stop_reason'
    | 'error'
    | 'attempts'
    | 'exclude'
    | 'login_steps'
  > & { exclude: string[]; login_steps: CrawlRow['login_steps'] },
): Promise<CrawlRow> {
  return trx
    .insertInto('crawls')
    .values({
      ...values,
      exclude: JSON.stringify(values.exclude),
      login_steps: JSON.stringify(values.login_steps),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findCrawl(trx: Trx, crawlId: string): Promise<CrawlRow | undefined> {
  return trx.selectFrom('crawls').selectAll().where('id', '=', crawlId).executeTakeFirst();
}

/** A page of an organisation's crawls, newest first, after the crawl `before` (keyset on created_at, id). */
export function listCrawlRows(
  trx: Trx,
  orgId: string,
  before: string | undefined,
  limit: number,
): Promise<CrawlRow[]> {
  let q = trx
    .selectFrom('crawls')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before) q = q.where(olderThan('crawls', before));
  return q.execute();
}

/** Marks a queued or running crawl cancelled; returns the row as it is afterwards. */
export async function cancelCrawlRow(trx: Trx, crawlId: string): Promise<CrawlRow | undefined> {
  await trx
    .updateTable('crawls')
    .set({
      status: 'cancelled',
      stop_reason: 'cancelled',
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
      login_secrets: null,
    })
    .where('id', '=', crawlId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return findCrawl(trx, crawlId);
}

/** Fails a crawl that never left the queue (its message could not be sent). */
export async function failQueuedCrawl(trx: Trx, crawlId: string, error: string): Promise<void> {
  await trx
    .updateTable('crawls')
    .set({
      status: 'failed',
      stop_reason: 'error',
      error,
      finished_at: sql<Date>`now()`,
      login_secrets: null,
    })
    .where('id', '=', crawlId)
    .where('status', '=', 'queued')
    .execute();
}

/**
 * Claims a crawl for a run: a queued crawl, or one left `running` by a run
 * that died (the message came back). Returns `undefined` when the crawl has
 * finished already — a repeated message then changes nothing.
 */
export function claimCrawl(trx: Trx, crawlId: string): Promise<CrawlRow | undefined> {
  return trx
    .updateTable('crawls')
    .set({
      status: 'running',
      started_at: sql<Date>`coalesce(started_at, now())`,
      attempts: sql<number>`attempts + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', crawlId)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
}

/** Forgets the pages of an earlier, interrupted run of the crawl. */
export async function clearPages(trx: Trx, crawlId: string): Promise<void> {
  await trx.deleteFrom('crawl_pages').where('crawl_id', '=', crawlId).execute();
  await trx
    .updateTable('crawls')
    .set({ pages_crawled: 0, pages_failed: 0, pages_skipped: 0 })
    .where('id', '=', crawlId)
    .execute();
}

/** Stores one page (once per URL: a repeat overwrites) and the crawl's running counts. */
export async function upsertPage(
  trx: Trx,
  orgId: string,
  crawlId: string,
  seq: number,
  page: CrawlPageBody,
  screenshotKey: string | null,
  counts: CrawlCounts,
): Promise<void> {
  const { url, depth, outcome, httpStatus, title, ariaSnapshot, ...rest } = page;
  const values = {
    org_id: orgId,
    crawl_id: crawlId,
    seq,
    url,
    depth,
    outcome,
    http_status: httpStatus,
    title,
    body: JSON.stringify(rest),
    aria_snapshot: ariaSnapshot,
    screenshot_key: screenshotKey,
  };
  await trx
    .insertInto('crawl_pages')
    .values(values)
    .onConflict((oc) => oc.columns(['crawl_id', 'url']).doUpdateSet({ ...values }))
    .execute();
  await trx
    .updateTable('crawls')
    .set({
      pages_crawled: counts.pagesCrawled,
      pages_failed: counts.pagesFailed,
      pages_skipped: counts.pagesSkipped,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', crawlId)
    .execute();
}

/** Records how a run ended and erases the login values. A crawl cancelled meanwhile stays cancelled. */
export async function finishCrawl(trx: Trx, crawlId: string, outcome: CrawlOutcome): Promise<void> {
  await trx
    .updateTable('crawls')
    .set({
      status: sql<
        CrawlRow['status']
      >`case when status = 'cancelled' then 'cancelled' else ${outcome.status} end`,
      stop_reason: sql<string>`case when status = 'cancelled' then 'cancelled' else ${outcome.stopReason} end`,
      pages_crawled: outcome.pagesCrawled,
      pages_failed: outcome.pagesFailed,
      pages_skipped: outcome.pagesSkipped,
      error: outcome.error ?? null,
      finished_at: sql<Date>`coalesce(finished_at, now())`,
      updated_at: sql<Date>`now()`,
      login_secrets: null,
    })
    .where('id', '=', crawlId)
    .where('status', 'in', ['running', 'cancelled'])
    .execute();
}

/** A page of a crawl's pages in crawl order, after sequence number `after`. */
export function listPageRows(
  trx: Trx,
  crawlId: string,
  after: number | undefined,
  limit: number,
): Promise<CrawlPageRow[]> {
  let q = trx
    .selectFrom('crawl_pages')
    .selectAll()
    .where('crawl_id', '=', crawlId)
    .orderBy('seq')
    .limit(limit + 1);
  if (after !== undefined) q = q.where('seq', '>', after);
  return q.execute();
}

/** A stored page as its body (`crawlPageBodySchema` input): the row's JSON body with its own columns. */
export function pageBodyInput(row: CrawlPageRow): Record<string, unknown> {
  return {
    ...row.body,
    url: row.url,
    depth: row.depth,
    outcome: row.outcome,
    httpStatus: row.http_status,
    title: row.title,
    ariaSnapshot: row.aria_snapshot,
  };
}
