import { describe, expect, it } from 'vitest';
import { codePolicyViolations } from '../../../shared/agents/verify/code-policy.ts';
import { verifyPlaywrightFiles } from '../../../shared/agents/verify/index.ts';
import {
  crawlOrigins,
  createOriginGuard,
  normalizedOrigin,
  runtimeOrigins,
} from '../../../shared/agents/verify/origins.ts';
import { insideFolder } from '../../../shared/agents/verify/run-tests.ts';
import { runnerJobSchema } from '../../../shared/agents/verify/runner-main.ts';
import { detectIsolation, sandboxCommand } from '../../../shared/agents/verify/sandbox.ts';
import { REDACTED, scrubSecrets } from '../../../shared/agents/verify/scrub.ts';
import { parseAllowedHosts } from '../../../shared/crawl/address.ts';
import { createNetworkGuard } from '../../../shared/crawl/network.ts';

// Issue 25, the pure parts: the code allow-list, the origin guard, the scrubber, run-folder paths.
const head = "import { expect, test } from '@playwright/test';\n";
const wrap = (body: string) => `${head}test('T1::x', async ({ page, request }) => {\n  ${body}\n});\n`;

describe('the code allow-list', () => {
  it('admits an ordinary generated test', () => {
    const code = `${head}import type { Page } from '@playwright/test';\ntest.use({ baseURL: 'http://127.0.0.1:3000/' });\nasync function signIn(page: Page, email: string) {\n  await page.getByLabel('Email').fill(email);\n}\ntest.describe('R1', () => {\n  test('T1::signs in', async ({ page }) => {\n    await page.goto('/login');\n    await signIn(page, 'a@example.com');\n    const items = await page.locator('li').allTextContents();\n    for (const [i, item] of items.entries()) expect(item, String(i)).not.toBe('');\n    expect(items['length']).toBeGreaterThan(0);\n    const text = await page.evaluate(() => document.title + window.location.pathname);\n    expect(JSON.parse(JSON.stringify({ text })).text).toContain('/login');\n    await expect(page).toHaveURL(new RegExp('/login$'));\n  });\n});\n`;
    expect(codePolicyViolations(code)).toEqual([]);
  });

  it.each([
    ["import { execSync } from 'node:child_process';\n", /imports 'node:child_process'/],
    ["import fs from 'fs';\n", /imports 'fs'/],
    ["import * as pw from '@playwright/test';\n", /namespace import/],
    ["import { chromium } from '@playwright/test';\n", /'chromium' may not be imported/],
  ])('refuses the import %s', (line, reason) => {
    expect(codePolicyViolations(`${line}${wrap('await page.goto("/");')}`).join('\n')).toMatch(reason);
  });

  it.each([
    ["require('child_process').execSync('id');", /'require' is not allowed/],
    ["await import('node:fs');", /dynamic import\(\) is not allowed/],
    ['console.log(process.env.ASSAY_OPENAI_API_KEY);', /3:15 'process' is not allowed/],
    ['globalThis.fetch("http://127.0.0.2/");', /'globalThis' is not allowed/],
    [
      "const F = (async () => {}).constructor; await F('return 1')();",
      /the property 'constructor' is not allowed/,
    ],
    ["const k = 'constr' + 'uctor'; const F = (() => 0)[k];", /computed property access needs a literal key/],
    ["const F = (() => 0)['\\u0063onstructor'];", /the property 'constructor' is not allowed/],
    ["const o = { ['__pro' + 'to__']: 1 };", /computed property names need a literal key/],
    ['Object.getPrototypeOf(async () => {});', /the property 'getPrototypeOf' is not allowed/],
    ["new Function('return this')();", /'Function' is not allowed/],
    ['const process = 1; console.log(process);', /'process' is not allowed/],
    [
      "await (page as any)._mainFrame._channel.goto({ url: 'file:///' });",
      /the property '_mainFrame' is not allowed/,
    ],
    [
      "await page.context().addInitScript({ path: '/etc/passwd' });",
      /the property 'addInitScript' is not allowed/,
    ],
    ["const ws = new WebSocket('ws://127.0.0.2/');", /'WebSocket' is not allowed/],
    ["const b = Buffer.from('x');", /'Buffer' is not allowed/],
    ['const t = String.raw`x`;', /tagged templates are not allowed/],
    ['console.log(import.meta.url);', /import\.meta is not allowed/],
    ['const { env } = { env: setInterval };', /the global 'setInterval' is not allowed/],
  ])('refuses %s', (body, reason) => {
    expect(codePolicyViolations(wrap(body)).join('\n')).toMatch(reason);
  });

  it('refuses test.use options that change the browser launch, proxy or connection', () => {
    const code = `${head}test.use({ baseURL: 'http://127.0.0.1:3000', proxy: { server: 'http://127.0.0.2' }, launchOptions: { args: [] }, connectOptions: { wsEndpoint: 'ws://127.0.0.2' } });\n`;
    const violations = codePolicyViolations(code);
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^2:\d+ the test.use option 'proxy' is not allowed/);
  });
});

describe('the verify guard', () => {
  const crawl = {
    startUrl: 'http://127.0.0.1:3000/',
    pages: [{ url: 'http://127.0.0.1:3000/about' }, { url: 'https://shop.example.com/cart' }],
  };

  it('normalizes origins with their ports and folds WebSockets into their page origin', () => {
    expect(normalizedOrigin('http://LOCALHOST/x')).toBe('http://localhost:80');
    expect(normalizedOrigin('wss://shop.example.com/socket')).toBe('https://shop.example.com:443');
    expect(normalizedOrigin('file:///etc/passwd')).toBeNull();
    expect(crawlOrigins(crawl as never)).toEqual(['http://127.0.0.1:3000', 'https://shop.example.com:443']);
  });

  it('admits exactly the crawl origins, never another port, host, scheme or a runtime service', async () => {
    // The crawl's local default allow-list admits every port of 127.0.0.1: the origin guard narrows it.
    const inner = createNetworkGuard({
      allowedHosts: parseAllowedHosts('localhost,127.0.0.1'),
      resolver: async () => [{ address: '93.184.216.34', family: 4 }],
    });
    const own = runtimeOrigins([
      'postgres://postgres@127.0.0.1:5433/assay',
      'http://127.0.0.1:4569',
      'http://127.0.0.1:3000',
    ]);
    const guard = createOriginGuard(inner, crawlOrigins(crawl as never), own);
    await expect(guard.resolve('https://shop.example.com/cart')).resolves.toMatchObject({
      address: '93.184.216.34',
    });
    await expect(guard.resolve('wss://shop.example.com/live')).resolves.toBeTruthy();
    for (const [url, reason] of [
      ['http://127.0.0.1:5433/', /is a service of the Assay runtime itself/],
      ['http://127.0.0.1:4569/bucket', /is a service of the Assay runtime itself/],
      ['http://127.0.0.1:3000/', /is a service of the Assay runtime itself/],
      ['http://127.0.0.2:8080/', /is not an origin of the crawled app/],
      ['http://shop.example.com/cart', /http:\/\/shop\.example\.com:80 is not an origin/],
      ['https://example.org/', /is not an origin of the crawled app/],
      ['file:///root/.assay/dev-secrets.json', /only http\(s\) URLs/],
    ] as const) {
      await expect(guard.resolve(url)).rejects.toThrow(reason);
    }
    expect(own).toContain('https://127.0.0.1:5433');
  });
});

describe('what the tests print', () => {
  it('loses every secret of the server environment, the given list and secret shapes', () => {
    const env = {
      ASSAY_OPENAI_API_KEY: 'openai-key-0123456789',
      ASSAY_SESSION_KEY: 'c2Vzc2lvbi1rZXktdmFsdWU=',
      ASSAY_GITHUB_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----',
      HOME: '/root',
    };
    const text = [
      'key openai-key-0123456789 and session c2Vzc2lvbi1rZXktdmFsdWU= in plain',
      '<system-out>escaped c2Vzc2lvbi1rZXktdmFsdWU= here</system-out>',
      '{"pem":"-----BEGIN RSA PRIVATE KEY-----\\nMIIabc\\n-----END RSA PRIVATE KEY-----"}',
      'webhook whsec-listed-value-42, token ghp_abcdefghijklmnopqrstuvwxyz0123456789, sk-proj-abcdefghijklmnop1234',
      'db postgres://assay:hunter2hunter2@127.0.0.1:5432/assay, aws AKIAABCDEFGHIJKLMNOP, home /root',
    ].join('\n');
    const out = scrubSecrets(text, ['whsec-listed-value-42'], env);
    for (const secret of [
      'openai-key-0123456789',
      'c2Vzc2lvbi1rZXktdmFsdWU=',
      'MIIabc',
      'whsec-listed-value-42',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'sk-proj-abcdefghijklmnop1234',
      'hunter2hunter2',
      'AKIAABCDEFGHIJKLMNOP',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
    expect(out).toContain('home /root');
  });
});

describe('the run folder and the isolation', () => {
  it('keeps every file path from the model inside the run folder', () => {
    expect(insideFolder('/run/support', 'tests/a.spec.ts')).toBe('/run/support/tests/a.spec.ts');
    for (const path of ['../x.spec.ts', 'tests/../../x', '/etc/passwd', '', '.', 'a\0b'])
      expect(insideFolder('/run/support', path)).toBeNull();
  });

  it('builds an unshare command with every namespace, a non-root uid and no capabilities', () => {
    const argv = sandboxCommand(
      { kind: 'unshare', userNamespace: false },
      { base: '/tmp/r', binds: [{ path: '/tmp/w', writable: true }], program: ['/usr/bin/node', 'x.mjs'] },
    );
    expect(argv.slice(1, 11)).toEqual([
      '--net',
      '--pid',
      '--mount',
      '--ipc',
      '--uts',
      '--fork',
      '--kill-child',
      '--propagation',
      'private',
      '/bin/sh',
    ]);
    const script = argv[12] ?? '';
    expect(script).toContain('pivot_root . .oldroot');
    expect(script).toContain('$UMOUNT -l /.oldroot');
    expect(script).toContain('--bounding-set=-all');
    expect(script).toContain('--no-new-privs');
    expect(argv).toContain('65534:65534');
    expect(argv).toContain('rw:/tmp/w');
    expect(argv.slice(-2)).toEqual(['/usr/bin/node', 'x.mjs']);
  });

  it('answers ran: false with the reason when no isolation is available', async () => {
    expect(await detectIsolation({ ASSAY_VERIFY_SANDBOX: 'off' })).toEqual({
      ok: true,
      isolation: { kind: 'none' },
    });
    const previous = process.env.ASSAY_VERIFY_SANDBOX;
    process.env.ASSAY_VERIFY_SANDBOX = 'bubblewrap';
    try {
      const { outcome, junitXml } = await verifyPlaywrightFiles({
        files: [
          {
            requirementId: 'R1',
            path: 'tests/r1.spec.ts',
            content: wrap("await page.goto('/');"),
            tids: ['T1'],
            locators: [],
          },
        ],
        crawl: { crawlId: 'c', startUrl: 'http://127.0.0.1:9/', pages: [] } as never,
        run: { allowedHosts: ['127.0.0.1:9'] },
      });
      expect(outcome).toMatchObject({ ran: false, tests: 0, proving: 0, vacuous: 0, codeRefused: [] });
      // Nothing ran: the test is not_run, and keeps no TID.
      expect(outcome.results).toEqual([{ title: 'T1::x', tid: 'T1', outcome: 'not_run' }]);
      expect(outcome.notRunReason).toMatch(
        /ASSAY_VERIFY_SANDBOX=bubblewrap is not one of auto, unshare, off/,
      );
      expect(junitXml).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.ASSAY_VERIFY_SANDBOX;
      else process.env.ASSAY_VERIFY_SANDBOX = previous;
    }
  });
});

describe('the AWS runner job', () => {
  const job = {
    files: [{ requirementId: 'R1', path: 'tests/r1.spec.ts', content: head, tids: [], locators: [] }],
    origins: ['http://127.0.0.1:9'],
    timeoutMs: 60_000,
  };
  it('carries Assay support files (a mutant run) and a storage state, none by default', () => {
    expect(runnerJobSchema.parse(job)).toMatchObject({ supportFiles: [], workers: 2 });
    const mutant = runnerJobSchema.parse({
      ...job,
      supportFiles: [
        { path: 'assay-verify/mutant-fixture.ts', content: 'export {};' },
        { path: 'tsconfig.json', content: '{}' },
      ],
      storageState: 'assay-verify/storage-state.json',
    });
    expect(mutant.supportFiles.map((f) => f.path)).toEqual([
      'assay-verify/mutant-fixture.ts',
      'tsconfig.json',
    ]);
    expect(mutant.storageState).toBe('assay-verify/storage-state.json');
    expect(runnerJobSchema.safeParse({ ...job, supportFiles: [{ path: '', content: '' }] }).success).toBe(
      false,
    );
  });
});
