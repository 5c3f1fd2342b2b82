import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { groupAlive, type StartedProcess, spawnNpmStart } from '../support/spawn-start.ts';
import { freshDataDir } from '../support/test-database.ts';

const data = freshDataDir();
const env = { PORT: '0', ASSAY_S3_PORT: '0', ASSAY_DATA_DIR: data.dir, ASSAY_LOG_LEVEL: 'WARN' };
let app: StartedProcess;

beforeAll(async () => {
  app = await spawnNpmStart(env);
});

afterAll(async () => {
  if (app && groupAlive(app.child.pid!)) await app.interrupt();
  data.remove();
});

describe('npm start', () => {
  it('prints the URLs', () => {
    expect(app.output()).toMatch(/API docs\s+http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(app.output()).toMatch(/OpenAPI\s+http:\/\/127\.0\.0\.1:\d+\/openapi\.json/);
  });

  it('serves liveness and readiness', async () => {
    const live = await fetch(`${app.url}/health`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  });

  it('serves a valid OpenAPI 3.1 document listing every route', async () => {
    const doc = (await (await fetch(`${app.url}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/health/ready', '/openapi.json', '/docs', '/docs/{asset}']),
    );
  });

  it('answers an unknown API route with 404 in the error envelope, and other paths with the console', async () => {
    const res = await fetch(`${app.url}/api/v1/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/v1/no/such/route' },
    });
    const page = await fetch(`${app.url}/repos/acme/shop/pulls/7?sha=${'a'.repeat(40)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="app"></div>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${app.url}/`)).text())?.[1];
    const asset = await fetch(`${app.url}${script}`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${app.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('renders /docs in headless Chromium with the operations listed, using no other origin', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(app.url) && !request.url().startsWith('data:'))
          foreign.push(request.url());
      });
      await page.goto(`${app.url}/docs`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      const paths = await page.$$eval('.opblock-summary-path', (els) =>
        els.map((e) => e.textContent?.trim()),
      );
      expect(paths).toEqual(expect.arrayContaining(['/health', '/health/ready', '/openapi.json']));
      expect(foreign).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('stops cleanly on Ctrl-C and starts again warm on the same data', async () => {
    await app.interrupt();
    expect(app.output()).toContain('SIGINT received');
    expect(app.output()).toContain('Stopped cleanly.');
    expect(groupAlive(app.child.pid!)).toBe(false);

    app = await spawnNpmStart(env);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    await app.interrupt();
    expect(app.output()).toContain('Stopped cleanly.');
  });
});
