/**
 * Crawls of the application under test (SPEC §8): request, list, read,
 * cancel, and run one (the crawl queue's consumer and `assay crawl`).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { PresignGet } from '../ci/presigner.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { page, parseIdCursor } from '../identity/pagination.ts';
import { SCREENSHOT_TAG } from '../reports/retention.ts';
import { parseAllowedHosts } from './address.ts';
import {
  type CrawlMessage,
  type CrawlPageBody,
  type CrawlPageView,
  type CrawlRequest,
  type CrawlView,
  crawlPageBodySchema,
  type LoginStep,
} from './crawl.types.ts';
import type { CrawledPage, CrawlOutcome, CrawlSettings, CrawlSink } from './crawler.ts';
import {
  cancelCrawlRow,
  claimCrawl,
  clearPages,
  failQueuedCrawl,
  findCrawl,
  finishCrawl,
  insertCrawl,
  listCrawlRows,
  listPageRows,
  pageBodyInput,
  toCrawlView,
  upsertPage,
} from './crawls.repository.ts';
import { openLoginValues, sealLoginValues } from './login-secrets.ts';
import { type NetworkGuard, TargetRefusedError } from './network.ts';
import { excludeMatcher } from './rules.ts';

/** The crawl queue's name in `infra/topology.ts`. */
export const CRAWL_QUEUE = 'crawl';

/** How long a presigned screenshot URL stays valid, in seconds. */
export const SCREENSHOT_URL_TTL_SECONDS = 3600;

/**
 * The hosts a crawl may reach although they are not public: `ASSAY_CRAWL_ALLOWED_HOSTS`, or by
 * default `localhost` and `127.0.0.1` on the local runtime (a developer's dev server) and none on AWS.
 */
export function crawlAllowedHosts(config: Config) {
  const configured = config.ASSAY_CRAWL_ALLOWED_HOSTS;
  return parseAllowedHosts(configured ?? (config.ASSAY_RUNTIME === 'aws' ? '' : 'localhost,127.0.0.1'));
}

/** The object key of a page's screenshot: `orgs/{org}/crawls/{crawl}/{sha256(url) prefix}.png`. */
export function screenshotKey(orgLogin: string, crawlId: string, url: string): string {
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 32);
  return `orgs/${orgLogin}/crawls/${crawlId}/${digest}.png`;
}

/**
 * Records a crawl request (`queued`) and queues its run. Login step values
 * are sealed with the session secret (`loginSecret`, asked for only when a
 * step has a value) and never stored in clear, logged or returned. Audited.
 *
 * @throws ValidationError (`target_refused`) when the start URL's host resolves to an address a crawl
 *   may not reach (checked again on every request of the run), or an `exclude` glob does not compile.
 */
export async function requestCrawl(
  deps: {
    db: Kysely<Database>;
    publisher: QueuePublisher;
    loginSecret: () => Promise<string>;
    /** Checks the start URL up front, so a refused target is a 400 now rather than a failed crawl later. */
    guard?: NetworkGuard;
  },
  orgId: string,
  actor: Actor,
  request: CrawlRequest,
): Promise<{ crawl: { id: string; status: 'queued' } }> {
  try {
    excludeMatcher(request.exclude);
  } catch (error) {
    throw new ValidationError('exclude has a glob that does not compile', [
      { path: 'body.exclude', message: (error as Error).message },
    ]);
  }
  if (deps.guard) {
    try {
      await deps.guard.resolve(request.startUrl);
    } catch (error) {
      if (!(error instanceof TargetRefusedError)) throw error;
      throw new ValidationError(
        `The start URL is refused: ${error.reason}`,
        [{ path: 'body.startUrl', message: error.reason }],
        'target_refused',
      );
    }
  }
  const values = request.loginSteps.map((step) => step.value ?? null);
  const secret = values.some((v) => v !== null) ? await deps.loginSecret() : null;
  const id = crypto.randomUUID();
  await withTenant(deps.db, orgId, async (trx) => {
    await insertCrawl(trx, {
      id,
      org_id: orgId,
      start_url: new URL(request.startUrl).href,
      status: 'queued',
      max_pages: request.maxPages,
      max_depth: request.maxDepth,
      scope: request.scope,
      exclude: request.exclude,
      respect_robots_txt: request.respectRobotsTxt,
      login_steps: request.loginSteps.map(({ value, ...step }) => ({
        ...step,
        hasValue: value !== undefined,
      })),
      login_secrets: secret ? sealLoginValues(values, secret, id) : null,
      requested_by: actor.type === 'user' ? actor.id : null,
    });
    await recordAudit(trx, orgId, actor, {
      action: 'crawl.requested',
      targetType: 'crawl',
      targetId: id,
      details: {
        startUrl: request.startUrl,
        maxPages: request.maxPages,
        loginSteps: request.loginSteps.length,
      },
    });
  });
  const message: CrawlMessage = { orgId, crawlId: id };
  try {
    await deps.publisher.send(CRAWL_QUEUE, message);
  } catch (error) {
    await withTenant(deps.db, orgId, (trx) =>
      failQueuedCrawl(trx, id, 'The crawl could not be queued; request it again'),
    ).catch(() => undefined);
    throw error;
  }
  return { crawl: { id, status: 'queued' } };
}

/** An organisation's crawls, newest first, with a cursor (the id of the last one shown). */
export async function listCrawls(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ crawls: CrawlView[]; nextCursor: string | null }> {
  const before = parseIdCursor(query.cursor);
  const rows = await withTenant(db, orgId, (trx) => listCrawlRows(trx, orgId, before, query.limit));
  const result = page(rows, query.limit, (row) => row.id);
  return { crawls: result.rows.map(toCrawlView), nextCursor: result.nextCursor };
}

/** One crawl. @throws NotFoundError for an unknown id or another organisation's crawl. */
export async function getCrawl(db: Kysely<Database>, orgId: string, crawlId: string): Promise<CrawlView> {
  const row = await withTenant(db, orgId, (trx) => findCrawl(trx, crawlId));
  if (!row) throw new NotFoundError('Crawl not found');
  return toCrawlView(row);
}

/**
 * Cancels a queued or running crawl (a running one stops before its next
 * page; the pages it recorded stay). Cancelling a cancelled crawl answers the
 * same; a finished one is a 409 `crawl_finished`. Audited once.
 */
export async function cancelCrawl(
  db: Kysely<Database>,
  orgId: string,
  actor: Actor,
  crawlId: string,
): Promise<CrawlView> {
  const row = await withTenant(db, orgId, async (trx) => {
    const before = await findCrawl(trx, crawlId);
    if (!before) throw new NotFoundError('Crawl not found');
    if (before.status === 'cancelled') return before;
    if (before.status !== 'queued' && before.status !== 'running')
      throw new ConflictError(`The crawl has already ${before.status}`, 'crawl_finished');
    const after = await cancelCrawlRow(trx, crawlId);
    await recordAudit(trx, orgId, actor, {
      action: 'crawl.cancelled',
      targetType: 'crawl',
      targetId: crawlId,
    });
    return after ?? before;
  });
  return toCrawlView(row);
}

/** A crawl's pages in the order they were crawled, each screenshot as a presigned GET URL. */
export async function listCrawlPages(
  deps: { db: Kysely<Database>; presignGet: PresignGet },
  orgId: string,
  crawlId: string,
  query: { cursor?: string; limit: number },
): Promise<{ pages: CrawlPageView[]; nextCursor: string | null }> {
  let after: number | undefined;
  if (query.cursor !== undefined) {
    after = Number(query.cursor);
    if (!/^\d{1,9}$/.test(query.cursor))
      throw new ValidationError('cursor is not one this API returned', [
        { path: 'query.cursor', message: 'invalid' },
      ]);
  }
  const rows = await withTenant(deps.db, orgId, async (trx) => {
    if (!(await findCrawl(trx, crawlId))) throw new NotFoundError('Crawl not found');
    return listPageRows(trx, crawlId, after, query.limit);
  });
  const result = page(rows, query.limit, (row) => String(row.seq));
  const pages = await Promise.all(
    result.rows.map(async (row): Promise<CrawlPageView> => {
      const body = crawlPageBodySchema.parse(pageBodyInput(row));
      return {
        id: row.id,
        ...body,
        screenshotUrl: row.screenshot_key
          ? await deps.presignGet(row.screenshot_key, SCREENSHOT_URL_TTL_SECONDS)
          : null,
      };
    }),
  );
  return { pages, nextCursor: result.nextCursor };
}

/** What running a crawl needs: the database, the object store, the settings and a crawler. */
export interface CrawlRunDeps {
  db: Kysely<Database>;
  objects: ObjectStore;
  config: Config;
  loginSecret: () => Promise<string>;
  /** Runs the crawl (`runCrawl` on a launched Chromium); injected so the run can own the browser. */
  crawl: (settings: CrawlSettings, sink: CrawlSink) => Promise<CrawlOutcome>;
  /** Called after each stored page (the CLI prints progress). */
  onPage?: (
    page: CrawlPageBody,
    counts: { pagesCrawled: number; pagesFailed: number; pagesSkipped: number },
  ) => void;
}

/** Runs after which a crawl still `running` is given up as failed rather than retried again. */
const MAX_ATTEMPTS = 2;

/**
 * Runs one queued crawl to its end: claims it (a finished crawl is left as
 * is, so a repeated message changes nothing), opens the login values, crawls,
 * stores each page and its screenshot as it goes, and records the outcome.
 * Login values are erased when the run ends, however it ends. A crash that
 * brings the message back restarts the crawl from scratch, at most once.
 */
export async function runQueuedCrawl(deps: CrawlRunDeps, message: CrawlMessage): Promise<CrawlView | null> {
  const { db } = deps;
  const claimed = await withTenant(db, message.orgId, async (trx) => {
    const row = await claimCrawl(trx, message.crawlId);
    if (row && row.attempts > 1) await clearPages(trx, message.crawlId);
    const org = await trx
      .selectFrom('orgs')
      .select('login')
      .where('id', '=', message.orgId)
      .executeTakeFirst();
    return row && org ? { row, orgLogin: org.login } : undefined;
  });
  if (!claimed) return null;
  const { row, orgLogin } = claimed;
  const finish = async (outcome: CrawlOutcome) => {
    await withTenant(db, message.orgId, (trx) => finishCrawl(trx, row.id, outcome));
    return getCrawl(db, message.orgId, row.id);
  };
  if (row.attempts > MAX_ATTEMPTS) {
    return finish({
      status: 'failed',
      stopReason: 'error',
      pagesCrawled: 0,
      pagesFailed: 0,
      pagesSkipped: 0,
      error: `The crawler stopped unexpectedly ${MAX_ATTEMPTS} times; request the crawl again with fewer pages`,
    });
  }
  let outcome: CrawlOutcome;
  try {
    const loginSteps = await loginStepsOf(row, deps.loginSecret);
    const config = deps.config;
    let seq = 0;
    outcome = await deps.crawl(
      {
        startUrl: row.start_url,
        maxPages: row.max_pages,
        maxDepth: row.max_depth,
        scope: row.scope,
        loginSteps,
        exclude: row.exclude,
        respectRobotsTxt: row.respect_robots_txt,
        pageTimeoutMs: config.ASSAY_CRAWL_PAGE_TIMEOUT_MS,
        settleMs: config.ASSAY_CRAWL_SETTLE_MS,
        delayMs: config.ASSAY_CRAWL_DELAY_MS,
        maxDurationMs: config.ASSAY_CRAWL_MAX_DURATION_SECONDS * 1000,
        maxResponseBytes: config.ASSAY_CRAWL_MAX_RESPONSE_BYTES,
      },
      {
        page: async (page: CrawledPage, counts) => {
          const { screenshot, ...body } = page;
          const key = screenshot ? screenshotKey(orgLogin, row.id, page.url) : null;
          if (key && screenshot)
            await deps.objects.putBytes(key, screenshot, 'image/png', {
              [SCREENSHOT_TAG.key]: SCREENSHOT_TAG.value,
            });
          seq += 1;
          await withTenant(db, message.orgId, (trx) =>
            upsertPage(trx, message.orgId, row.id, seq, body, key, counts),
          );
          deps.onPage?.(body, counts);
        },
        cancelled: async () => {
          const current = await withTenant(db, message.orgId, (trx) => findCrawl(trx, row.id));
          return current?.status === 'cancelled';
        },
      },
    );
  } catch (error) {
    outcome = {
      status: 'failed',
      stopReason: 'error',
      pagesCrawled: 0,
      pagesFailed: 0,
      pagesSkipped: 0,
      error: `The crawler failed: ${(error as Error).message?.split('\n')[0] ?? String(error)}`,
    };
    const current = await withTenant(db, message.orgId, (trx) => findCrawl(trx, row.id));
    if (current)
      Object.assign(outcome, {
        pagesCrawled: current.pages_crawled,
        pagesFailed: current.pages_failed,
        pagesSkipped: current.pages_skipped,
      });
  }
  return finish(outcome);
}

async function loginStepsOf(
  row: {
    id: string;
    login_steps: { action: string; url?: string; selector?: string; hasValue: boolean }[];
    login_secrets: string | null;
  },
  loginSecret: () => Promise<string>,
): Promise<LoginStep[]> {
  if (row.login_steps.length === 0) return [];
  const values =
    row.login_secrets === null
      ? row.login_steps.map(() => null)
      : openLoginValues(row.login_secrets, await loginSecret(), row.id);
  if (row.login_steps.some((step, i) => step.hasValue && values[i] == null))
    throw new Error('the login values are no longer available (a crawl with login steps runs once)');
  return row.login_steps.map(({ hasValue: _, ...step }, i) => ({
    ...(step as Omit<LoginStep, 'value'>),
    ...(values[i] != null ? { value: values[i] } : {}),
  }));
}
