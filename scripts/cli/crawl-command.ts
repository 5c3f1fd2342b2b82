import { readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { getConfig, loadConfig } from '../../shared/config.ts';
import { CRAWL_LIMITS, type CrawlView, crawlRequestSchema } from '../../shared/crawl/crawl.types.ts';
import { parseArgs } from './args.ts';
import { type CliDatabase, findOrgByLogin, runOnDatabase } from './database.ts';
import { cliActor } from './token-command.ts';
import { crawlUsage } from './usage.ts';

export { crawlUsage };

function parseCrawl(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      'max-pages': { type: 'string' },
      'max-depth': { type: 'string' },
      'same-hostname': { type: 'boolean' },
      'ignore-robots-txt': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error(`Give exactly one URL to crawl\n${crawlUsage}`);
  if (!values.org) throw new Error(`--org <login> is required\n${crawlUsage}`);
  const number = (text: string | undefined, name: string) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number`);
    return n;
  };
  const request = crawlRequestSchema.safeParse({
    startUrl: positionals[0],
    maxPages: number(values['max-pages'], '--max-pages'),
    maxDepth: number(values['max-depth'], '--max-depth'),
    scope: values['same-hostname'] ? 'same-hostname' : 'same-origin',
    respectRobotsTxt: !values['ignore-robots-txt'],
  });
  if (!request.success) {
    const first = request.error.issues[0];
    const field =
      first?.path.join('.') === 'startUrl'
        ? 'the URL'
        : `--${String(first?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new Error(
      `${field}: ${first?.message ?? 'invalid'} (pages 1–${CRAWL_LIMITS.maxPages}, depth 0–${CRAWL_LIMITS.maxDepth})`,
    );
  }
  return { org: values.org, request: request.data };
}

/**
 * `assay crawl <url> --org <login>`: records a crawl for the organisation and
 * runs it here and now (same crawler, SSRF rules and storage as the crawl
 * queue; `ASSAY_CRAWL_ALLOWED_HOSTS` defaults to localhost and 127.0.0.1 so a
 * developer can crawl their dev server). Prints one line per page on stderr
 * and returns the finished crawl.
 */
export function crawlCommand(args: string[]): (database: CliDatabase) => Promise<CrawlView> {
  const { org, request } = parseCrawl(args);
  return async ({ db }) => {
    const found = await findOrgByLogin(db, org);
    // Loaded here, not at start-up: the other CLI commands should not pay for Playwright, s3rver and the S3 client.
    const [
      { startLocalObjectStore },
      { createObjectStore },
      { getCrawl, requestCrawl },
      { crawlWithChromium },
      { getAppSecret },
    ] = await Promise.all([
      import('../../infra/local/object-store.ts'),
      import('../../shared/adapters/object-store.ts'),
      import('../../shared/crawl/crawl.service.ts'),
      import('../../shared/crawl/run.ts'),
      import('../../shared/adapters/app-secrets.ts'),
    ]);
    // Screenshots go to the running runtime's local S3, or to one started for this command.
    const dataDir = getConfig().ASSAY_DATA_DIR;
    const running = readRunningRuntime(dataDir)?.s3Endpoint;
    const started = running
      ? undefined
      : await startLocalObjectStore({
          dataDir,
          bucket: getConfig().ASSAY_S3_BUCKET,
          port: 0,
          onObjectCreated: async () => undefined,
          onError: () => undefined,
        });
    try {
      const config = loadConfig({ ...process.env, ASSAY_S3_ENDPOINT: running ?? started?.endpoint });
      const publisher = { send: async () => undefined }; // run right here, not through the queue
      const { crawl } = await requestCrawl(
        { db, publisher, loginSecret: () => getAppSecret('session') },
        found.id,
        cliActor,
        request,
      );
      process.stderr.write(
        `Crawling ${request.startUrl} for ${found.login} (crawl ${crawl.id}, up to ${request.maxPages} pages)\n`,
      );
      let n = 0;
      const done = await crawlWithChromium(
        {
          db,
          objects: createObjectStore(config),
          config,
          loginSecret: () => getAppSecret('session'),
          onPage: (page) => {
            n += 1;
            const status = page.httpStatus ?? '---';
            const what =
              page.outcome === 'crawled' ? (page.title ?? '') : `${page.outcome}: ${page.error ?? ''}`;
            process.stderr.write(
              `[${n}/${request.maxPages}] ${status} ${page.url} (depth ${page.depth}) ${what}\n`,
            );
          },
        },
        { orgId: found.id, crawlId: crawl.id },
      );
      const result = done ?? (await getCrawl(db, found.id, crawl.id));
      process.stderr.write(
        `Crawl ${result.status}: ${result.pagesCrawled} crawled, ${result.pagesFailed} failed, ${result.pagesSkipped} skipped${result.error ? ` — ${result.error}` : ''}\n`,
      );
      return result;
    } finally {
      await started?.stop();
    }
  };
}

/** `assay crawl …`. */
export function run(args: string[]): Promise<number> {
  return runOnDatabase(() => crawlCommand(args));
}
