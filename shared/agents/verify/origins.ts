/**
 * What the verify run may reach (issue 25): exactly the crawled app's
 * origin(s) — scheme, host and port — and nothing of the runtime's own. The
 * crawl's allow-list (`ASSAY_CRAWL_ALLOWED_HOSTS`, locally `localhost,127.0.0.1`
 * on every port) is right for a crawler that follows links, but too wide for
 * code a model wrote: through it a test could tunnel to the runtime's database
 * socket, its S3, its API or any public host.
 *
 * @module
 */
import type { NetworkGuard } from '../../crawl/network.ts';
import { TargetRefusedError } from '../../crawl/network.ts';
import type { CrawlFacts } from '../agents.types.ts';

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
const WEB_SCHEME: Record<string, string> = {
  'http:': 'http:',
  'https:': 'https:',
  'ws:': 'http:',
  'wss:': 'https:',
};

/**
 * `scheme://host:port` of `url` with the port always written, `ws:`/`wss:`
 * folded into `http:`/`https:` (a page's WebSocket belongs to its origin),
 * host lower-case; null for anything else (`file:`, `data:`, invalid).
 */
export function normalizedOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const scheme = WEB_SCHEME[parsed.protocol];
  if (!scheme) return null;
  const port = parsed.port || DEFAULT_PORT[parsed.protocol];
  return `${scheme}//${parsed.hostname.toLowerCase()}:${port}`;
}

/** The crawl's origins: its start URL's and those of the pages it visited (normalized, unique). */
export function crawlOrigins(crawl: Pick<CrawlFacts, 'startUrl' | 'pages'>): string[] {
  const out = new Set<string>();
  for (const url of [crawl.startUrl, ...crawl.pages.map((p) => p.url)]) {
    const origin = normalizedOrigin(url);
    if (origin) out.add(origin);
  }
  return [...out];
}

/**
 * A guard that admits only URLs of `origins` (see {@link normalizedOrigin}),
 * refuses those of `ownOrigins` (the runtime's own services) even when
 * crawled, then applies `inner` (the crawl's SSRF rules: the address is
 * resolved and checked, and the connection goes to the checked address).
 *
 * @throws TargetRefusedError from `resolve` for another origin, a runtime
 *   origin, or whatever `inner` refuses.
 */
export function createOriginGuard(
  inner: NetworkGuard,
  origins: readonly string[],
  ownOrigins: readonly string[] = [],
): NetworkGuard {
  const allowed = new Set(origins.map((o) => normalizedOrigin(o)).filter((o): o is string => o !== null));
  const own = new Set(ownOrigins.map((o) => normalizedOrigin(o)).filter((o): o is string => o !== null));
  return {
    async resolve(url) {
      const origin = normalizedOrigin(url);
      if (!origin) throw new TargetRefusedError(url, 'only http(s) URLs of the crawled app are fetched');
      if (own.has(origin))
        throw new TargetRefusedError(url, `${origin} is a service of the Assay runtime itself`);
      if (!allowed.has(origin))
        throw new TargetRefusedError(
          url,
          `${origin} is not an origin of the crawled app (${[...allowed].join(', ')})`,
        );
      return inner.resolve(url);
    },
  };
}

/**
 * The origins of the runtime's own services, from their URLs (`DATABASE_URL`,
 * `ASSAY_S3_ENDPOINT`, `ASSAY_PUBLIC_URL`, the GitHub and OpenAI endpoints …):
 * each URL's host and port (its scheme's default port when it has none, 5432
 * for `postgres:`) as both `http:` and `https:` origins, so no request and no
 * tunnel of the verify run reaches them. Unparsable and empty values are skipped.
 */
export function runtimeOrigins(urls: readonly (string | undefined | null)[]): string[] {
  const out = new Set<string>();
  const defaults: Record<string, string> = { 'postgres:': '5432', 'postgresql:': '5432', ...DEFAULT_PORT };
  for (const raw of urls) {
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    const port = url.port || defaults[url.protocol];
    if (!port || !url.hostname) continue;
    for (const scheme of ['http:', 'https:']) out.add(`${scheme}//${url.hostname.toLowerCase()}:${port}`);
  }
  return [...out];
}
