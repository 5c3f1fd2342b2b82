/**
 * The user's rules about what a crawl visits: `exclude` globs and robots.txt.
 *
 * @module
 */
import picomatch from 'picomatch';
import robotsParser from 'robots-parser';
import { pathAndQuery } from './urls.ts';

/** The user agent a crawl announces and obeys robots.txt rules for. */
export const CRAWLER_USER_AGENT = 'AssayCrawler';

/**
 * A predicate over URLs from `exclude` globs (picomatch syntax, `**` across
 * segments, `{a,b}`, `!(x)`), each matched against the URL's path
 * (`/admin/users`) and against its path with the query (`/calendar?month=3`).
 * No globs → nothing excluded.
 *
 * @throws Error when a glob does not compile.
 */
export function excludeMatcher(globs: readonly string[]): (url: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch([...globs], { dot: true });
  return (url) => {
    const full = pathAndQuery(url);
    const path = new URL(url).pathname;
    return match(path) || match(full);
  };
}

/** What a crawl knows about one origin's robots.txt. */
export interface RobotsRules {
  /** False when robots.txt disallows the URL for {@link CRAWLER_USER_AGENT}. */
  allows(url: string): boolean;
  /** `Crawl-delay` in seconds, when the file sets one for us. */
  crawlDelaySeconds: number | undefined;
}

/**
 * Rules from a fetched robots.txt (RFC 9309 via `robots-parser`): `status`
 * 2xx → the file's rules; 4xx (none published) → everything allowed; 5xx or
 * unreachable (`status` null) → everything disallowed, as RFC 9309 §2.3.1.4
 * asks, so a failing server is not crawled blind.
 */
export function robotsRules(robotsUrl: string, status: number | null, body: string): RobotsRules {
  if (status !== null && status >= 200 && status < 300) {
    const robots = robotsParser(robotsUrl, body);
    return {
      allows: (url) => robots.isAllowed(url, CRAWLER_USER_AGENT) !== false,
      crawlDelaySeconds: robots.getCrawlDelay(CRAWLER_USER_AGENT),
    };
  }
  if (status !== null && status >= 400 && status < 500)
    return { allows: () => true, crawlDelaySeconds: undefined };
  return { allows: () => false, crawlDelaySeconds: undefined };
}
