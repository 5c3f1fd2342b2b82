import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { seedApiToken, seedOrg } from '../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let runtime: TestRuntime;
let token: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  const orgId = await seedOrg(runtime.db, 'acme');
  token = (await seedApiToken(runtime.db, orgId, 'admin')).token;
}, 60_000);

afterAll(async () => {
  await runtime?.dispose();
});

describe('/docs', () => {
  it('documents the security schemes and each route’s security and auth errors', async () => {
    const doc = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.components.securitySchemes).toMatchObject({
      apiToken: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie' },
      ciToken: { type: 'http', scheme: 'bearer' },
      githubSignature: { type: 'apiKey', in: 'header' },
    });
    const repos = doc.paths['/api/v1/orgs/{org}/repos']?.get;
    expect(repos?.security).toEqual([{ apiToken: [] }, { sessionCookie: [] }]);
    expect(Object.keys(repos?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '429']),
    );
    expect(doc.paths['/health']?.get?.security).toEqual([]);
    expect(doc.paths['/ci/uploads']?.post?.security).toEqual([{ ciToken: [] }]);
  });

  it('Authorize with an API token, then Try it out succeeds in Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const sent: Array<string | undefined> = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/v1/orgs/acme/repos')) sent.push(request.headers().authorization);
      });
      await page.goto(`${runtime.url}/docs`);
      await page.click('button.authorize', { timeout: 30_000 });
      const scheme = page.locator('.auth-container', { hasText: 'apiToken' });
      await scheme.locator('input').first().fill(token);
      await scheme.locator('button.authorize').click();
      await page.click('.auth-btn-wrapper button.btn-done');

      const operation = page.locator('.opblock', { hasText: '/api/v1/orgs/{org}/repos' }).first();
      await operation.locator('.opblock-summary').click();
      await operation.locator('button.try-out__btn').click();
      await operation.locator('tr[data-param-name="org"] input').fill('acme');
      await operation.locator('button.execute').click();
      const status = operation.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor({ timeout: 30_000 });
      expect((await status.textContent())?.trim()).toBe('200');
      expect(
        await operation.locator('.live-responses-table tbody .microlight').first().textContent(),
      ).toContain('"repositories"');
      expect(sent).toEqual([`Bearer ${token}`]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
