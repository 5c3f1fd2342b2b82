/**
 * The crawl itself: a breadth-first walk of an application in headless
 * Chromium, every request fulfilled through the SSRF guard, each page read
 * after client-side rendering (network idle, within a bound) into headings,
 * links, forms, buttons, locators, an aria snapshot and a screenshot.
 *
 * @module
 */
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import type { CrawlPageBody, LoginStep } from './crawl.types.ts';
import { chooseLocator, type ElementFacts, locatorFor } from './locators.ts';
import {
  type FetchedResponse,
  guardedFetch,
  type NetworkGuard,
  ResponseTooLargeError,
  TargetRefusedError,
} from './network.ts';
import { CLEANUP_SCRIPT, EXTRACT_SCRIPT, type PageFacts, pageFactsSchema } from './page-facts.ts';
import { CRAWLER_USER_AGENT, excludeMatcher, type RobotsRules, robotsRules } from './rules.ts';
import {
  type CrawlScope,
  inScope,
  isFetchableScheme,
  isLogoutLike,
  type LinkVerdict,
  normaliseUrl,
} from './urls.ts';

/** Everything a crawl run needs to know. Times in milliseconds. */
export interface CrawlSettings {
  startUrl: string;
  maxPages: number;
  maxDepth: number;
  scope: CrawlScope;
  /** Login steps with their values (decrypted for the run only). */
  loginSteps: readonly LoginStep[];
  exclude: readonly string[];
  respectRobotsTxt: boolean;
  /** Bound on one page: navigation, rendering and reading. */
  pageTimeoutMs: number;
  /** Longest wait for the network to go idle after the DOM is ready (client-side rendering). */
  settleMs: number;
  /** Polite pause between two pages (robots.txt `Crawl-delay` wins when longer, up to 10 s). */
  delayMs: number;
  /** Bound on the whole run: pages are not started after it. */
  maxDurationMs: number;
  /** Largest response body fetched (decoded bytes). */
  maxResponseBytes: number;
}

/** One page as recorded, with its PNG screenshot. */
export interface CrawledPage extends CrawlPageBody {
  screenshot: Buffer | null;
}

/** What the crawl reports to its owner while it runs. */
export interface CrawlSink {
  /** Stores a page (idempotent on its URL). */
  page(page: CrawledPage, counts: CrawlCounts): Promise<void>;
  /** Asked before each page: true stops the crawl as cancelled. */
  cancelled(): Promise<boolean>;
}

export interface CrawlCounts {
  pagesCrawled: number;
  pagesFailed: number;
  pagesSkipped: number;
}

export interface CrawlOutcome extends CrawlCounts {
  status: 'succeeded' | 'failed' | 'cancelled';
  stopReason: 'completed' | 'max-pages' | 'time-limit' | 'cancelled' | 'error';
  error?: string;
}

/** Raised for a login that did not work; the crawl fails with its message. */
export class LoginFailedError extends Error {
  override readonly name = 'LoginFailedError';
}

/** What the route handler learnt about the navigation of the page being crawled. */
interface NavigationState {
  status: number | null;
  /** In-scope redirect target of the page's navigation; the crawler navigates there itself. */
  redirect: string | null;
  offScope: string | null;
  nonHtml: string | null;
  error: string | null;
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/i;
const firstLine = (message: string) => message.split('\n')[0]?.trim() ?? message;

function describeFetchError(error: unknown): string {
  if (error instanceof TargetRefusedError) return `refused: ${error.reason}`;
  if (error instanceof ResponseTooLargeError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e.code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO/.test(e.code))
    return `TLS error: ${e.code}`;
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ECONNRESET') return 'connection reset';
  if (e.code) return `${e.code}: ${firstLine(e.message)}`;
  return firstLine(e.message ?? String(error));
}

/** Hides every secret value in a message that may end up in logs or the API. */
function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('•••');
  return out;
}

/**
 * Runs one crawl in a fresh, isolated browser context of `browser` and
 * reports each page to `sink`. Never throws for anything the target site
 * does: unreachable pages, errors, timeouts, huge or non-HTML responses are
 * recorded per page; a start page that cannot be read or a login that fails
 * makes the outcome `failed` with the reason.
 */
export async function runCrawl(
  browser: Browser,
  guard: NetworkGuard,
  settings: CrawlSettings,
  sink: CrawlSink,
): Promise<CrawlOutcome> {
  const started = Date.now();
  const deadline = started + settings.maxDurationMs;
  const secrets = settings.loginSteps.flatMap((s) => (s.action === 'fill' && s.value ? [s.value] : []));
  const context = await browser.newContext({
    serviceWorkers: 'block',
    acceptDownloads: false,
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome ${CRAWLER_USER_AGENT}/1.0`,
    viewport: { width: 1280, height: 800 },
  });
  const abort = new AbortController();
  const nav: NavigationState = { status: null, redirect: null, offScope: null, nonHtml: null, error: null };
  let phase: 'login' | 'crawl' = 'login';
  const counts: CrawlCounts = { pagesCrawled: 0, pagesFailed: 0, pagesSkipped: 0 };
  try {
    await installNetworkGuard(context, guard, settings, abort.signal, nav, () => phase);

    if (settings.loginSteps.length > 0) {
      const page = await openTab(context);
      try {
        await runLogin(page, settings, secrets);
      } catch (error) {
        const message = redact(error instanceof Error ? error.message : String(error), secrets);
        return { ...counts, status: 'failed', stopReason: 'error', error: message };
      } finally {
        await page.close().catch(() => undefined);
      }
    }
    phase = 'crawl';
    return await walk(context, guard, settings, sink, {
      deadline,
      counts,
      nav,
      loggedIn: settings.loginSteps.length > 0,
    });
  } finally {
    abort.abort();
    await context.close().catch(() => undefined);
  }
}

async function installNetworkGuard(
  context: BrowserContext,
  guard: NetworkGuard,
  settings: CrawlSettings,
  signal: AbortSignal,
  nav: NavigationState,
  phase: () => 'login' | 'crawl',
): Promise<void> {
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    const url = request.url();
    let navigation = false;
    let mainNavigation = false;
    try {
      navigation = request.isNavigationRequest();
      mainNavigation = navigation && request.frame().parentFrame() === null;
    } catch {
      navigation = false;
    }
    const crawling = mainNavigation && phase() === 'crawl';
    if (crawling && !inScope(url, settings.startUrl, settings.scope)) {
      nav.offScope = url;
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    const fetchOptions = { timeoutMs: settings.pageTimeoutMs, maxBytes: settings.maxResponseBytes, signal };
    try {
      const headers = await request.allHeaders();
      let response = await guardedFetch(guard, {
        url,
        method: request.method(),
        headers,
        body: request.postDataBuffer(),
        ...fetchOptions,
      });
      const location = redirectTarget(response, url);
      if (location !== null) {
        if (crawling) {
          // The crawler follows the redirect itself (a fulfilled redirect is not intercepted again).
          nav.status = response.status;
          if (inScope(location, settings.startUrl, settings.scope)) nav.redirect = location;
          else nav.offScope = location;
          await route.abort('aborted').catch(() => undefined);
          return;
        }
        if (navigation) {
          // Login or a frame: let the browser navigate to the next hop as a new, intercepted request.
          await route.fulfill(redirectShim(response, location));
          return;
        }
        response = await followRedirects(guard, response, url, headers, fetchOptions);
      }
      if (crawling) {
        nav.status = response.status;
        const type = response.headers['content-type'];
        if (type && !HTML_TYPES.test(type)) {
          nav.nonHtml = type.split(';')[0]?.trim() ?? type;
          await route.abort('blockedbyclient').catch(() => undefined);
          return;
        }
      }
      await route.fulfill({ status: response.status, headers: response.headers, body: response.body });
    } catch (error) {
      if (mainNavigation) nav.error = describeFetchError(error);
      const code = error instanceof TargetRefusedError ? 'blockedbyclient' : 'failed';
      await route.abort(code).catch(() => undefined);
    }
  });
  // WebSockets: only to targets the guard accepts. Chromium cannot resolve names itself
  // (see launchChromium), so a WebSocket to a name that passed the check still cannot be
  // re-resolved elsewhere; one to a literal address connects to exactly that address.
  await context.routeWebSocket(/.*/, async (ws) => {
    try {
      await guard.resolve(ws.url());
      ws.connectToServer();
    } catch {
      await ws.close({ code: 1008, reason: 'Refused by the crawler' }).catch(() => undefined);
    }
  });
}

/** The absolute target of a redirect response, or `null` when it is not one. */
function redirectTarget(response: FetchedResponse, url: string): string | null {
  const location = response.headers.location;
  if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return null;
  return normaliseUrl(location, url) ?? null;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A page that sends the browser on to `location` (keeping the redirect's
 * cookies): the next hop is then a new navigation, intercepted and checked
 * like any other request.
 */
function redirectShim(response: FetchedResponse, location: string) {
  const cookies = response.headers['set-cookie'];
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(cookies ? { 'set-cookie': cookies } : {}),
    },
    body: `<!doctype html><meta http-equiv="refresh" content="0;url=${escapeHtml(location)}"><script>location.replace(${JSON.stringify(location).replace(/</g, '\\u003c')})</script>`,
  };
}

/** Follows a sub-resource's redirects here, each hop checked by the guard (at most 5), carrying cookies set on the way. */
async function followRedirects(
  guard: NetworkGuard,
  first: FetchedResponse,
  url: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; maxBytes: number; signal: AbortSignal },
): Promise<FetchedResponse> {
  let response = first;
  let current = url;
  const cookies: string[] = [];
  const setCookies: string[] = [];
  for (let hop = 0; hop < 5; hop++) {
    const next = redirectTarget(response, current);
    if (next === null) break;
    const set = response.headers['set-cookie'];
    if (set) {
      setCookies.push(set);
      for (const line of set.split('\n')) cookies.push(line.split(';')[0]?.trim() ?? '');
    }
    const sameHost = new URL(next).host === new URL(current).host;
    const cookie = [headers.cookie, ...(sameHost ? cookies : [])].filter(Boolean).join('; ');
    current = next;
    response = await guardedFetch(guard, {
      url: next,
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      ...options,
    });
  }
  if (setCookies.length > 0) {
    const own = response.headers['set-cookie'];
    response.headers['set-cookie'] = [...setCookies, ...(own ? [own] : [])].join('\n');
  }
  return response;
}

async function runLogin(page: Page, settings: CrawlSettings, secrets: readonly string[]): Promise<void> {
  const timeout = settings.pageTimeoutMs;
  const passwordSelectors: string[] = [];
  const target = (selector: string) => {
    try {
      return locatorFor(page, selector);
    } catch {
      return page.locator(selector);
    }
  };
  for (const [index, step] of settings.loginSteps.entries()) {
    const label = `Login step ${index + 1} (${step.action}${step.selector ? ` ${step.selector}` : ''}${step.url ? ` ${step.url}` : ''})`;
    try {
      switch (step.action) {
        case 'goto': {
          const url = normaliseUrl(
            step.url ?? '',
            page.url() === 'about:blank' ? settings.startUrl : page.url(),
          );
          if (!url || !isFetchableScheme(url)) throw new Error('not an http(s) URL');
          const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
          if (!response) throw new Error('no response');
          if (response.status() >= 400) throw new Error(`HTTP ${response.status()}`);
          break;
        }
        case 'fill': {
          const field = target(step.selector ?? '');
          const type = await field.getAttribute('type', { timeout }).catch(() => null);
          if (type?.toLowerCase() === 'password') passwordSelectors.push(step.selector ?? '');
          await field.fill(step.value ?? '', { timeout });
          break;
        }
        case 'click':
          await target(step.selector ?? '').click({ timeout });
          break;
        case 'press':
          await target(step.selector ?? '').press(step.value ?? '', { timeout });
          break;
        case 'waitFor':
          if (step.selector) await target(step.selector).waitFor({ state: 'visible', timeout });
          else await page.waitForURL(step.url ?? '', { timeout });
          break;
      }
    } catch (error) {
      const reason = redact(firstLine(error instanceof Error ? error.message : String(error)), secrets);
      throw new LoginFailedError(`${label} failed: ${reason}`);
    }
  }
  await page.waitForLoadState('networkidle', { timeout: settings.settleMs }).catch(() => undefined);
  for (const selector of passwordSelectors) {
    if (
      await target(selector)
        .isVisible()
        .catch(() => false)
    ) {
      throw new LoginFailedError(
        'Login failed: after the login steps the page still shows the password field ' +
          `(${selector}); check the credentials or add a waitFor step for what a signed-in page shows`,
      );
    }
  }
}

interface WalkState {
  deadline: number;
  counts: CrawlCounts;
  nav: NavigationState;
  loggedIn: boolean;
}

async function walk(
  context: BrowserContext,
  guard: NetworkGuard,
  settings: CrawlSettings,
  sink: CrawlSink,
  state: WalkState,
): Promise<CrawlOutcome> {
  const { counts, nav } = state;
  const start = normaliseUrl(settings.startUrl) ?? settings.startUrl;
  const excluded = excludeMatcher(settings.exclude);
  const robots = new Map<string, RobotsRules & { unreachable?: string }>();
  const robotsFor = async (url: string): Promise<RobotsRules & { unreachable?: string }> => {
    const origin = new URL(url).origin;
    let rules = robots.get(origin);
    if (!rules) {
      rules = await fetchRobots(guard, origin, settings);
      robots.set(origin, rules);
    }
    return rules;
  };
  /** URLs queued or visited (normalised): each page once. */
  const seen = new Set<string>([start]);
  /** In-scope URLs found but not visited, and why. */
  const skipped = new Set<string>();
  const queue: { url: string; depth: number }[] = [{ url: start, depth: 0 }];
  let stopReason: CrawlOutcome['stopReason'] = 'completed';
  let first = true;
  let hitMaxPages = false;
  let startError: string | undefined;

  if (settings.respectRobotsTxt) {
    let allowed: boolean;
    let unreachable: string | undefined;
    try {
      const rules = await robotsFor(start);
      allowed = rules.allows(start);
      unreachable = rules.unreachable;
    } catch (error) {
      return {
        ...counts,
        pagesFailed: 1,
        status: 'failed',
        stopReason: 'error',
        error: describeFetchError(error),
      };
    }
    if (!allowed && unreachable) {
      const error = `The start page ${start} could not be crawled: robots.txt could not be fetched (${unreachable})`;
      return { ...counts, pagesFailed: 1, status: 'failed', stopReason: 'error', error };
    }
    if (!allowed)
      return {
        ...counts,
        pagesSkipped: 1,
        status: 'failed',
        stopReason: 'error',
        error: `robots.txt disallows the start URL ${start}`,
      };
  }

  while (queue.length > 0) {
    if (await sink.cancelled()) {
      stopReason = 'cancelled';
      break;
    }
    if (Date.now() >= state.deadline) {
      stopReason = 'time-limit';
      break;
    }
    if (counts.pagesCrawled + counts.pagesFailed >= settings.maxPages) {
      stopReason = 'max-pages';
      break;
    }
    const item = queue.shift()!;
    if (!first) {
      const rules = settings.respectRobotsTxt ? await robotsFor(item.url) : undefined;
      const delay = Math.min(Math.max(settings.delayMs, (rules?.crawlDelaySeconds ?? 0) * 1000), 10_000);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Math.min(delay, state.deadline - Date.now()))),
      );
    }
    if (state.deadline - Date.now() < Math.min(1000, settings.pageTimeoutMs)) {
      // The polite delay ran into the time bound (or left too little of it): the page is left for another crawl.
      queue.unshift(item);
      stopReason = 'time-limit';
      break;
    }
    const budget = Math.min(settings.pageTimeoutMs, state.deadline - Date.now());
    const visited = await visit(context, settings, item, nav, budget);
    if (budget < settings.pageTimeoutMs && visited.record.error?.startsWith('timed out')) {
      // Cut short by the crawl's time bound, not by the page: left for another crawl, not recorded as failed.
      queue.unshift(item);
      stopReason = 'time-limit';
      break;
    }
    let record = visited.record;
    if (visited.finalUrl !== item.url) {
      if (seen.has(visited.finalUrl)) {
        // Redirected to a page the crawl records on its own: not recorded twice.
        record = {
          ...emptyRecord(item.url, item.depth),
          httpStatus: record.httpStatus,
          redirectedTo: visited.finalUrl,
          outcome: 'skipped',
          error: `redirects to ${visited.finalUrl}, recorded on its own`,
        };
      } else seen.add(visited.finalUrl);
    }
    if (first && record.outcome !== 'crawled') {
      startError = `The start page ${item.url} could not be crawled: ${record.error ?? `HTTP ${record.httpStatus}`}`;
    }
    first = false;

    // Decide, for every link, whether it is followed.
    for (const link of record.links) {
      const verdict = await judgeLink(link.href, item.depth, {
        settings,
        seen,
        excluded,
        robotsFor,
        loggedIn: state.loggedIn,
        capacity: () => seen.size < settings.maxPages,
      });
      link.followed = verdict === null || verdict === 'seen';
      if (verdict !== null && verdict !== 'seen') link.reason = verdict;
      if (verdict === 'max-pages') hitMaxPages = true;
      if (verdict === null) {
        const url = normaliseUrl(link.href) ?? link.href;
        seen.add(url);
        queue.push({ url, depth: item.depth + 1 });
      } else if (['excluded', 'robots', 'depth', 'max-pages', 'logout'].includes(verdict)) {
        const url = normaliseUrl(link.href);
        if (url && !seen.has(url)) skipped.add(url);
      }
    }
    if (record.outcome === 'crawled') counts.pagesCrawled++;
    else if (record.outcome === 'failed') counts.pagesFailed++;
    else skipped.add(item.url);
    counts.pagesSkipped = skipped.size;
    await sink.page(record, { ...counts });
  }
  if (stopReason !== 'completed') for (const rest of queue) skipped.add(rest.url);
  if (stopReason === 'completed' && hitMaxPages) stopReason = 'max-pages';
  counts.pagesSkipped = skipped.size;
  if (stopReason === 'cancelled') return { ...counts, status: 'cancelled', stopReason };
  if (startError && counts.pagesCrawled === 0)
    return { ...counts, status: 'failed', stopReason: 'error', error: startError };
  return { ...counts, status: 'succeeded', stopReason };
}

/** Redirects of robots.txt followed before the file counts as unavailable (RFC 9309 §2.3.1.2 asks for at least five). */
export const ROBOTS_MAX_REDIRECTS = 5;

/**
 * Fetches `origin`'s robots.txt and reads its rules (RFC 9309). Redirects
 * (301/302/303/307/308) are followed up to {@link ROBOTS_MAX_REDIRECTS} hops
 * while they stay on the origin, each hop through the network guard; a
 * redirect off the origin, a redirect without a usable `Location`, or one hop
 * too many makes the file *unavailable* (§2.3.1.3: crawl as if there were
 * none). A fetch that fails (network error, time-out) makes it *unreachable*
 * (§2.3.1.4: crawl nothing), reported in `unreachable`.
 */
export async function fetchRobots(
  guard: NetworkGuard,
  origin: string,
  settings: Pick<CrawlSettings, 'pageTimeoutMs'>,
): Promise<RobotsRules & { unreachable?: string }> {
  const first = `${origin}/robots.txt`;
  let url = first;
  try {
    for (let hop = 0; ; hop++) {
      const response = await guardedFetch(guard, {
        url,
        headers: { 'user-agent': CRAWLER_USER_AGENT },
        timeoutMs: Math.min(settings.pageTimeoutMs, 10_000),
        maxBytes: 512 * 1024,
      });
      if (response.status < 300 || response.status >= 400) {
        return robotsRules(url, response.status, response.body.toString('utf8'));
      }
      const location = response.headers.location;
      const next = location === undefined ? undefined : URL.parse(location, url);
      if (next === null || next === undefined || next.origin !== origin || hop >= ROBOTS_MAX_REDIRECTS) {
        return robotsRules(first, 404, '');
      }
      next.hash = '';
      url = next.href;
    }
  } catch (error) {
    if (error instanceof TargetRefusedError) throw error;
    return { ...robotsRules(url, null, ''), unreachable: describeFetchError(error) };
  }
}

async function judgeLink(
  href: string,
  depth: number,
  ctx: {
    settings: CrawlSettings;
    seen: Set<string>;
    excluded: (url: string) => boolean;
    robotsFor: (url: string) => Promise<RobotsRules>;
    loggedIn: boolean;
    capacity: () => boolean;
  },
): Promise<LinkVerdict | 'seen'> {
  if (!isFetchableScheme(href)) return /^[a-z][a-z0-9+.-]*:/i.test(href) ? 'scheme' : 'invalid';
  const url = normaliseUrl(href);
  if (!url) return 'invalid';
  if (!inScope(url, ctx.settings.startUrl, ctx.settings.scope)) return 'off-scope';
  if (ctx.loggedIn && isLogoutLike(url)) return 'logout';
  if (ctx.seen.has(url)) return 'seen';
  if (ctx.excluded(url)) return 'excluded';
  if (depth + 1 > ctx.settings.maxDepth) return 'depth';
  if (ctx.settings.respectRobotsTxt) {
    const rules = await ctx.robotsFor(url).catch(() => undefined);
    if (!rules?.allows(url)) return 'robots';
  }
  if (!ctx.capacity()) return 'max-pages';
  return null;
}

function emptyRecord(url: string, depth: number): CrawledPage {
  return {
    url,
    depth,
    httpStatus: null,
    outcome: 'failed',
    title: null,
    headings: [],
    links: [],
    forms: [],
    buttons: [],
    ariaSnapshot: null,
    screenshot: null,
  };
}

/** A new tab whose dialogs are dismissed and whose pop-ups are closed at once. */
async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined));
  page.on('popup', (popup) => void popup.close().catch(() => undefined));
  return page;
}

async function visit(
  context: BrowserContext,
  settings: CrawlSettings,
  item: { url: string; depth: number },
  nav: NavigationState,
  timeoutMs: number,
): Promise<{ record: CrawledPage; finalUrl: string }> {
  // A fresh tab per page: nothing a previous page left running (timers, late navigations) can interfere.
  const page = await openTab(context);
  try {
    return await read(page, settings, item, nav, timeoutMs);
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function read(
  page: Page,
  settings: CrawlSettings,
  item: { url: string; depth: number },
  nav: NavigationState,
  timeoutMs: number,
): Promise<{ record: CrawledPage; finalUrl: string }> {
  const record = emptyRecord(item.url, item.depth);
  const pageDeadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, pageDeadline - Date.now());
  let current = item.url;
  let status: number | null = null;
  const done = (extra: Partial<CrawledPage>) => ({
    record: { ...record, ...(current !== item.url ? { redirectedTo: current } : {}), ...extra },
    finalUrl: current,
  });
  for (let hops = 0; ; hops++) {
    Object.assign(nav, { status: null, redirect: null, offScope: null, nonHtml: null, error: null });
    try {
      const response = await page.goto(current, { waitUntil: 'domcontentloaded', timeout: remaining() });
      status = response?.status() ?? nav.status;
      break;
    } catch (error) {
      record.httpStatus = nav.status;
      if (nav.redirect && hops < 10) {
        current = nav.redirect;
        continue;
      }
      if (nav.redirect) return done({ error: 'too many redirects' });
      if (nav.offScope) return done({ outcome: 'skipped', error: `redirected off scope to ${nav.offScope}` });
      if (nav.nonHtml) return done({ outcome: 'skipped', error: `not an HTML page (${nav.nonHtml})` });
      if (nav.error) return done({ error: nav.error });
      const message = firstLine(error instanceof Error ? error.message : String(error));
      return done({ error: /timeout/i.test(message) ? `timed out after ${timeoutMs} ms` : message });
    }
  }
  record.httpStatus = status;
  await page
    .waitForLoadState('networkidle', { timeout: Math.min(settings.settleMs, remaining()) })
    .catch(() => undefined);
  try {
    const facts = pageFactsSchema.parse(await withTimeout(page.evaluate(EXTRACT_SCRIPT), remaining()));
    const read = await readPage(page, facts, remaining);
    await page.evaluate(CLEANUP_SCRIPT).catch(() => undefined);
    const ariaSnapshot = await page
      .locator('body')
      .ariaSnapshot({ timeout: remaining() })
      .then((snapshot) => snapshot.slice(0, 200_000))
      .catch(() => null);
    const screenshot = await page.screenshot({ type: 'png', timeout: remaining() }).catch(() => null);
    const failed = status !== null && status >= 400;
    return done({
      ...read,
      outcome: failed ? 'failed' : 'crawled',
      ...(failed ? { error: `HTTP ${status}` } : {}),
      ariaSnapshot,
      screenshot,
    });
  } catch (error) {
    const message = firstLine(error instanceof Error ? error.message : String(error));
    return done({ error: /timeout|timed out/i.test(message) ? `timed out after ${timeoutMs} ms` : message });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Turns page facts into the recorded page: locators chosen and checked for each element. */
async function readPage(
  page: Page,
  facts: PageFacts,
  remaining: () => number,
): Promise<Pick<CrawledPage, 'title' | 'headings' | 'links' | 'forms' | 'buttons'>> {
  const chosen = new Map<string, string | null>();
  const locate = async (element: ElementFacts): Promise<string | null> => {
    if (chosen.has(element.ref)) return chosen.get(element.ref) ?? null;
    const locator = remaining() > 1 ? ((await chooseLocator(page, element))?.expression ?? null) : null;
    chosen.set(element.ref, locator);
    return locator;
  };
  const forms = [];
  for (const form of facts.forms) {
    const fields = [];
    for (const field of form.fields) {
      fields.push({
        label: field.element.label,
        name: field.name,
        type: field.type,
        required: field.required,
        locator: await locate(field.element),
        ...(field.options ? { options: field.options } : {}),
      });
    }
    forms.push({
      locator: await locate(form.element),
      action: form.action,
      method: form.method,
      fields,
      ...(form.submit
        ? { submit: { text: form.submit.text, locator: await locate(form.submit.element) } }
        : {}),
    });
  }
  const buttons = [];
  for (const button of facts.buttons)
    buttons.push({ name: button.name, locator: await locate(button.element) });
  return {
    title: facts.title,
    headings: facts.headings,
    links: facts.links.map((link) => ({ href: link.href, text: link.text, followed: false })),
    forms,
    buttons,
  };
}
