import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { type CrawlSite, startCrawlSite } from '../support/crawl-site.ts';
import { seedOrg } from '../support/identity.ts';
import { runCommand } from '../support/run-command.ts';
import { freshDataDir } from '../support/test-database.ts';

const data = freshDataDir();
let site: CrawlSite;

/** Runs `npx assay …` as a developer would, on the test's data directory (no runtime serving it). */
function assay(args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASSAY_DATA_DIR: data.dir,
    ASSAY_LOG_LEVEL: 'SILENT',
    ASSAY_CRAWL_DELAY_MS: '0',
    ASSAY_CRAWL_SETTLE_MS: '1000',
  };
  delete env.DATABASE_URL;
  delete env.ASSAY_CRAWL_ALLOWED_HOSTS;
  return runCommand('npx', ['assay', ...args], { env });
}

async function withDb<T>(fn: (db: ReturnType<typeof createPoolDb<Database>>) => Promise<T>): Promise<T> {
  const postgres = await startEmbeddedPostgres(data.dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  try {
    return await fn(db);
  } finally {
    await db.destroy();
    await postgres.stop();
  }
}

beforeAll(async () => {
  site = await startCrawlSite();
  await withDb((db) => seedOrg(db, 'Acme'));
}, 120_000);

afterAll(async () => {
  await site?.stop();
  data.remove();
});

describe('npx assay crawl', () => {
  it('crawls a dev server on 127.0.0.1 (allowed locally by default), printing progress and a summary', async () => {
    const result = await assay(['crawl', `${site.origin}/`, '--org', 'acme', '--max-pages', '3']);
    expect(result.code, result.stderr).toBe(0);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('['));
    expect(progress).toEqual([
      `[1/3] 200 ${site.origin}/ (depth 0) Shop home`,
      `[2/3] 200 ${site.origin}/about (depth 1) About us`,
      `[3/3] 200 ${site.origin}/contact (depth 1) Contact`,
    ]);
    expect(result.stderr).toMatch(/Crawl succeeded: 3 crawled, 0 failed, \d+ skipped/);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', stopReason: 'max-pages', pagesCrawled: 3 });
    const pages = await withDb((db) =>
      withSystem(db, (trx) =>
        trx
          .selectFrom('crawl_pages')
          .select(['url', 'screenshot_key'])
          .where('crawl_id', '=', summary.id)
          .execute(),
      ),
    );
    expect(pages).toHaveLength(3);
    // s3rver keeps each object as files named after its key (`<key>._S3rver_object` and metadata beside it).
    const dir = join(data.dir, 's3', 'assay-local', 'orgs', 'Acme', 'crawls', summary.id);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.png')).length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('explains what is wrong with its arguments', async () => {
    const noOrg = await assay(['crawl', `${site.origin}/`]);
    expect(noOrg.code).toBe(1);
    expect(noOrg.stderr).toContain('--org <login> is required');
    const tooMany = await assay(['crawl', `${site.origin}/`, '--org', 'acme', '--max-pages', '501']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('--max-pages');
    const unknownOrg = await assay(['crawl', `${site.origin}/`, '--org', 'nobody']);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toContain('No organisation nobody');
  }, 120_000);
});
