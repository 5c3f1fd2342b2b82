import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { runQueuedCrawl } from '../../../shared/crawl/crawl.service.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { type CrawlSite, SITE_PASSWORD, startCrawlSite } from '../../support/crawl-site.ts';
import {
  auditEventsOf,
  type SeededOrg,
  seedOrgWithMembers,
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

// The whole path: POST → crawl queue → the consumer crawls in real Chromium → GET the crawl and its pages,
// screenshots from the local S3. Only 127.0.0.1:<site port> is allowed; 127.0.0.2 stands for a refused target.
let runtime: TestRuntime;
let site: CrawlSite;
let acme: SeededOrg;
let globex: SeededOrg;

const call = (bearer: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, bearer, method, path, body);

async function finished(org: SeededOrg, id: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(org.as.member!, 'GET', `/orgs/${org.login}/crawls/${id}`);
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`crawl ${id} still ${res.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const crawlRow = (id: string) =>
  withSystem(runtime.db, (trx) =>
    trx.selectFrom('crawls').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );

beforeAll(async () => {
  site = await startCrawlSite();
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_CRAWL_ALLOWED_HOSTS = `127.0.0.1:${site.port}`;
  process.env.ASSAY_CRAWL_DELAY_MS = '0';
  process.env.ASSAY_CRAWL_SETTLE_MS = '1500';
  runtime = await startTestRuntime();
  acme = await seedOrgWithMembers(runtime.db, 'crawlacme', { member: 'member', viewer: 'viewer' });
  globex = await seedOrgWithMembers(runtime.db, 'crawlglobex', { member: 'member' });
}, 120_000);

afterAll(async () => {
  await runtime?.dispose();
  await site?.stop();
  for (const key of ['ASSAY_CRAWL_ALLOWED_HOSTS', 'ASSAY_CRAWL_DELAY_MS', 'ASSAY_CRAWL_SETTLE_MS'])
    delete process.env[key];
});

describe('crawls through the API', () => {
  let crawlId: string;
  let crawl: Record<string, any>;

  it('queues a crawl with login steps, keeps the password sealed, and runs it to the end', async () => {
    const before = Date.now();
    const res = await call(acme.as.member!, 'POST', `/orgs/${acme.login}/crawls`, {
      startUrl: `${site.origin}/account`,
      maxPages: 4,
      maxDepth: 1,
      loginSteps: [
        { action: 'goto', url: `${site.origin}/login` },
        { action: 'fill', selector: '#user', value: 'ada' },
        { action: 'fill', selector: '#pw', value: SITE_PASSWORD },
        { action: 'click', selector: 'button[type=submit]' },
        { action: 'waitFor', selector: 'text=Your account' },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ crawl: { id: expect.any(String), status: 'queued' } });
    crawlId = res.body.crawl.id;
    const queued = await crawlRow(crawlId);
    expect(queued.login_secrets === null || !queued.login_secrets.includes(SITE_PASSWORD)).toBe(true);
    expect(JSON.stringify(queued.login_steps)).not.toContain(SITE_PASSWORD);

    crawl = await finished(acme, crawlId);
    expect(crawl).toMatchObject({
      id: crawlId,
      startUrl: `${site.origin}/account`,
      status: 'succeeded',
      stopReason: 'completed',
      pagesCrawled: 2,
      pagesFailed: 0,
      maxPages: 4,
      scope: 'same-origin',
      respectRobotsTxt: true,
    });
    expect(crawl.loginSteps[2]).toEqual({ action: 'fill', selector: '#pw', hasValue: true });
    expect(JSON.stringify(crawl)).not.toContain(SITE_PASSWORD);
    expect(Date.parse(crawl.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(crawl.finishedAt)).toBeGreaterThanOrEqual(Date.parse(crawl.startedAt));
    // The values are gone once the run has ended.
    expect((await crawlRow(crawlId)).login_secrets).toBeNull();
    const audits = await auditEventsOf(runtime.db, acme.id, 'crawl.requested');
    expect(audits.map((a) => a.target_id)).toEqual([crawlId]);
    expect(JSON.stringify(audits)).not.toContain(SITE_PASSWORD);
  }, 180_000);

  it('lists the pages with locators and a presigned screenshot that still exists', async () => {
    const first = await call(acme.as.viewer!, 'GET', `/orgs/${acme.login}/crawls/${crawlId}/pages?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.pages).toHaveLength(1);
    expect(first.body.pages[0]).toMatchObject({
      id: expect.any(String),
      url: `${site.origin}/account`,
      depth: 0,
      httpStatus: 200,
      outcome: 'crawled',
      title: 'Account',
      headings: [{ level: 1, text: 'Your account' }],
      forms: [],
      buttons: [],
      ariaSnapshot: expect.stringContaining('heading "Your account"'),
    });
    const links = first.body.pages[0].links;
    expect(links).toContainEqual({
      href: `${site.origin}/logout`,
      text: 'Log out',
      followed: false,
      reason: 'logout',
    });
    const shot = await fetch(first.body.pages[0].screenshotUrl);
    expect(shot.status).toBe(200);
    expect(
      Buffer.from(await shot.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(first.body.pages[0].screenshotUrl).toContain(`/orgs/${acme.login}/crawls/${crawlId}/`);

    const second = await call(
      acme.as.viewer!,
      'GET',
      `/orgs/${acme.login}/crawls/${crawlId}/pages?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.pages.map((p: { url: string }) => p.url)).toEqual([`${site.origin}/account/orders`]);
    expect(second.body.nextCursor).toBeNull();
    const bad = await call(acme.as.viewer!, 'GET', `/orgs/${acme.login}/crawls/${crawlId}/pages?cursor=nope`);
    expect(bad.status).toBe(400);
  });

  it("changes nothing when a finished crawl's message comes again, and gives up on a crawl that keeps dying", async () => {
    const deps = {
      db: runtime.db,
      objects: createObjectStore(getConfig()),
      config: getConfig(),
      loginSecret: async () => TEST_SESSION_SECRET,
      crawl: async (): Promise<never> => {
        throw new Error('a finished crawl must not run again');
      },
    };
    const before = await crawlRow(crawlId);
    expect(await runQueuedCrawl(deps, { orgId: acme.id, crawlId })).toBeNull();
    expect(await crawlRow(crawlId)).toEqual(before);

    // A crawl whose runs died twice (left `running`, its message back a third time) fails with the reason.
    const id = randomUUID();
    await withSystem(runtime.db, (trx) =>
      trx
        .insertInto('crawls')
        .values({
          id,
          org_id: acme.id,
          start_url: `${site.origin}/`,
          status: 'running',
          max_pages: 5,
          max_depth: 1,
          scope: 'same-origin',
          respect_robots_txt: true,
          attempts: 2,
          login_secrets: 'v1.sealed-values',
        })
        .execute(),
    );
    const gaveUp = await runQueuedCrawl(deps, { orgId: acme.id, crawlId: id });
    expect(gaveUp).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('stopped unexpectedly 2 times'),
    });
    expect((await crawlRow(id)).login_secrets).toBeNull();
  });

  it('lists crawls newest first and keeps them within their organisation', async () => {
    const list = await call(acme.as.viewer!, 'GET', `/orgs/${acme.login}/crawls`);
    expect(list.status).toBe(200);
    expect(list.body.crawls.map((c: { id: string }) => c.id)).toContain(crawlId);
    expect((await call(globex.as.member!, 'GET', `/orgs/${globex.login}/crawls/${crawlId}`)).status).toBe(
      404,
    );
    expect(
      (await call(globex.as.member!, 'GET', `/orgs/${globex.login}/crawls/${crawlId}/pages`)).status,
    ).toBe(404);
    expect((await call(globex.as.member!, 'GET', `/orgs/${acme.login}/crawls/${crawlId}`)).status).toBe(404);
    expect((await call(globex.as.member!, 'GET', `/orgs/${globex.login}/crawls`)).body.crawls).toEqual([]);
  });

  it('refuses to cancel a finished crawl, and cancels a queued or running one', async () => {
    const done = await call(acme.as.member!, 'POST', `/orgs/${acme.login}/crawls/${crawlId}/cancel`);
    expect(done.status).toBe(409);
    expect(done.body.error.code).toBe('crawl_finished');

    const started = await call(acme.as.member!, 'POST', `/orgs/${acme.login}/crawls`, {
      startUrl: `${site.origin}/calendar?page=1`,
      maxPages: 200,
      maxDepth: 20,
    });
    const id = started.body.crawl.id;
    const cancelled = await call(acme.as.member!, 'POST', `/orgs/${acme.login}/crawls/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled', stopReason: 'cancelled' });
    const again = await call(acme.as.member!, 'POST', `/orgs/${acme.login}/crawls/${id}/cancel`);
    expect(again.body.status).toBe('cancelled');
    // Whatever the consumer does with the message afterwards, the crawl stays cancelled and small.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await call(acme.as.member!, 'GET', `/orgs/${acme.login}/crawls/${id}`);
    expect(after.body.status).toBe('cancelled');
    expect(after.body.pagesCrawled).toBeLessThan(5);
    expect(await auditEventsOf(runtime.db, acme.id, 'crawl.cancelled')).toHaveLength(1);
  }, 60_000);

  it('answers bad requests with 4xx and never queues them', async () => {
    const post = (body: unknown, who = acme.as.member!) =>
      call(who, 'POST', `/orgs/${acme.login}/crawls`, body);
    expect((await post({ startUrl: `${site.origin}/` }, acme.as.viewer!)).status).toBe(403);
    const cases: [unknown, string][] = [
      [{ startUrl: 'ftp://127.0.0.1/' }, 'body.startUrl'],
      [{ startUrl: 'not a url' }, 'body.startUrl'],
      [{ startUrl: `${site.origin}/`, maxPages: 501 }, 'body.maxPages'],
      [{ startUrl: `${site.origin}/`, scope: 'everywhere' }, 'body.scope'],
      [
        { startUrl: `${site.origin}/`, loginSteps: [{ action: 'fill', selector: '#x' }] },
        'body.loginSteps.0.value',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toContain(path);
    }
    // Loopback off the allow list: refused before anything connects to it.
    const refused = await post({ startUrl: `http://127.0.0.2:${site.port}/` });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'target_refused',
      message: `The start URL is refused: 127.0.0.2 resolves to a loopback address (127.0.0.2), which is not allowed`,
    });
    const list = await call(acme.as.member!, 'GET', `/orgs/${acme.login}/crawls?limit=200`);
    expect(list.body.crawls).toHaveLength(3);
  });
});
