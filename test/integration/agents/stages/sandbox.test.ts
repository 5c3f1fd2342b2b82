import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codePolicyViolations } from '../../../../shared/agents/verify/code-policy.ts';
import {
  MUTANT_TITLE,
  mutantFixtureSource,
  mutantTsconfig,
} from '../../../../shared/agents/verify/mutants.ts';
import { createOriginGuard } from '../../../../shared/agents/verify/origins.ts';
import {
  GUARDED_PLAYWRIGHT_TEST,
  runPlaywrightFiles,
  SIGNED_IN_TAG,
  type TestRun,
} from '../../../../shared/agents/verify/run-tests.ts';
import { parseAllowedHosts } from '../../../../shared/crawl/address.ts';
import { chromiumExecutable } from '../../../../shared/crawl/chromium.ts';
import { createNetworkGuard } from '../../../../shared/crawl/network.ts';
import { type CrawlSite, startCrawlSite } from '../../../support/crawl-site.ts';
import { startRequestCounter } from '../../../support/request-counter.ts';

// Issue 25: hostile Playwright files run by the real runner in the local sandbox. The file below is
// handed to the runner directly, past the syntax-tree gate (which refuses it), to show the sandbox
// holds on its own: no process of the server's, no file outside the run folder, no secret, no
// connection except through the guard, which admits only the crawled origin.
let site: CrawlSite;
let victim: Awaited<ReturnType<typeof startRequestCounter>>;
let own: Awaited<ReturnType<typeof startRequestCounter>>;
let dataDir: string;
let run: TestRun;
const secret = `sk-assay-test-${randomBytes(12).toString('hex')}`;
const sessionKey = `session-${randomBytes(16).toString('hex')}`;
const escapeFile = join(tmpdir(), `assay-escape-${randomBytes(6).toString('hex')}`);
const results = new Map<string, string>();

const hostile = (site: CrawlSite, dataDir: string) => `import { expect, test } from '@playwright/test';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
const report = (key: string, value: unknown) => console.log('RESULT ' + key + '=' + JSON.stringify(value));
const attempt = async (key: string, act: () => unknown) => {
  try { report(key, 'OK ' + String(await act()).slice(0, 300)); } catch (e) { report(key, 'REFUSED ' + String((e as Error).message ?? e).slice(0, 200)); }
};
test.use({ baseURL: '${site.origin}/' });
test('T1::processes', async () => {
  await attempt('exec', () => cp.execSync('id').toString());
  await attempt('spawn-node', () => cp.execFileSync(process.execPath, ['-e', 'console.log(require("fs").readFileSync("${join(dataDir, 'dev-secrets.json')}", "utf8"))']).toString());
});
test('T2::files and environments', async () => {
  await attempt('ppid-environ', () => fs.readFileSync('/proc/' + process.ppid + '/environ', 'utf8'));
  const environs = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).map((p) => { try { return fs.readFileSync('/proc/' + p + '/environ', 'utf8'); } catch { return ''; } }).join('\\n');
  report('all-environs', environs.includes('ASSAY_OPENAI_API_KEY') ? 'LEAK' : 'clean');
  report('own-env', Object.keys(process.env).filter((k) => k.startsWith('ASSAY_')));
  await attempt('dev-secrets', () => fs.readFileSync('${join(dataDir, 'dev-secrets.json')}', 'utf8'));
  await attempt('project', () => fs.readFileSync('${join(process.cwd(), 'package.json')}', 'utf8'));
  await attempt('write-outside', () => { fs.writeFileSync('${escapeFile}', 'x'); return 'written'; });
  await attempt('write-node-modules', () => { fs.writeFileSync('${join(process.cwd(), 'node_modules', 'pwned.txt')}', 'x'); return 'written'; });
});
test('T3::Function escapes past the gate', async () => {
  const F = (async () => {}).constructor as (code: string) => () => Promise<NodeJS.Process>;
  const p = await F('return globalThis.process')();
  report('escape-env', Object.keys(p.env).filter((k) => k.startsWith('ASSAY_')));
  const key = 'constr' + 'uctor';
  const G = (() => 0)[key as 'constructor'] as unknown as (code: string) => () => string;
  await attempt('escape-exec', () => G('return process.getBuiltinModule("child_process").execSync("cat /proc/1/environ").toString()')());
});
test('T4::network from Node', async ({ request }) => {
  await attempt('fetch-victim', async () => (await fetch('${victim.origin}/secret')).status);
  await attempt('fetch-own', async () => (await fetch('${own.origin}/secret')).status);
  await attempt('net-own', () => new Promise((resolve, reject) => { const s = net.connect(${own.port}, '127.0.0.1', () => resolve('connected')); s.on('error', reject); }));
  await attempt('request-victim', async () => (await request.get('${victim.origin}/secret')).status());
  await attempt('request-own', async () => (await request.get('${own.origin}/secret')).status());
  await attempt('request-app', async () => (await request.get('${site.origin}/about')).status());
});
test('T5::browser', async ({ page }) => {
  await attempt('goto-file', async () => (await page.goto('file://${join(dataDir, 'dev-secrets.json')}'), await page.content()));
  await attempt('goto-own', async () => (await page.goto('${own.origin}/'))?.status());
  await attempt('goto-app', async () => (await page.goto('/about'))?.status());
  await attempt('evaluate-file', async () => page.evaluate(async () => { const w = window.open('file:///etc/passwd'); return String(w?.document?.body?.textContent ?? 'none'); }));
  await expect(page.locator('h1')).toHaveText('About us');
});
test('T6::prints a secret', async () => {
  console.log('leaking ${secret} and sk-proj-0123456789abcdefXYZ');
});
`;

beforeAll(async () => {
  site = await startCrawlSite();
  victim = await startRequestCounter('127.0.0.2');
  // A service of "the runtime" on another port of the very host the crawl may reach.
  own = await startRequestCounter('127.0.0.1');
  dataDir = await mkdtemp(join(tmpdir(), 'assay-data-'));
  await writeFile(join(dataDir, 'dev-secrets.json'), JSON.stringify({ ASSAY_SESSION_KEY: sessionKey }), {
    mode: 0o600,
  });
  process.env.ASSAY_OPENAI_API_KEY = secret;
  const code = hostile(site, dataDir);
  // The gate refuses the file; the runner is handed it anyway.
  expect(codePolicyViolations(code).length).toBeGreaterThan(5);
  run = await runPlaywrightFiles(
    [{ requirementId: 'R1', path: 'tests/r1-hostile.spec.ts', content: code, tids: [], locators: [] }],
    {
      // The local default allow-list (every port of 127.0.0.1), narrowed to the crawled origin.
      guard: createOriginGuard(
        createNetworkGuard({ allowedHosts: parseAllowedHosts('localhost,127.0.0.1') }),
        [site.origin],
      ),
      origins: [site.origin],
      chromiumPath: await chromiumExecutable(),
      timeoutMs: 120_000,
      workers: 1,
    },
  );
  for (const match of (run.junitXml ?? '').matchAll(/RESULT ([\w-]+)=(.*)/g))
    results.set(match[1]!, match[2]!);
}, 180_000);

afterAll(async () => {
  delete process.env.ASSAY_OPENAI_API_KEY;
  await site?.stop();
  await victim?.stop();
  await own?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(escapeFile, { force: true });
});

describe('the verify sandbox on the local runtime', () => {
  it('ran every hostile test isolated, and the app test still passes', () => {
    expect(run.isolation).toBe('unshare');
    expect(run.junitXml).toContain('T5::browser');
    expect(results.size).toBeGreaterThanOrEqual(20);
    expect(run.junitXml).not.toMatch(/<testcase name="T5::browser"[^>]*>\s*<failure/);
  });

  it('starts no process of the server and none that reaches a secret', () => {
    expect(results.get('exec')).toMatch(/^"REFUSED .*ENOENT/);
    expect(results.get('spawn-node') ?? '').not.toContain(sessionKey);
    expect(results.get('escape-exec')).toMatch(/^"REFUSED/);
  });

  it('reads no environment but its own clean one, and no file outside the run folder', () => {
    expect(results.get('ppid-environ') ?? '').not.toContain(secret);
    expect(results.get('all-environs')).toBe('"clean"');
    expect(results.get('own-env')).toBe('[]');
    expect(results.get('escape-env')).toBe('[]');
    expect(results.get('dev-secrets')).toMatch(/^"REFUSED ENOENT/);
    expect(results.get('project')).toMatch(/^"REFUSED ENOENT/);
    expect(results.get('write-node-modules')).toMatch(/^"REFUSED (EROFS|EACCES)/);
    // Written, if at all, to the sandbox's own /tmp, gone with it.
    expect(existsSync(escapeFile)).toBe(false);
  });

  it('opens no connection except through the guard, to the crawled origin only', () => {
    expect(results.get('fetch-victim')).toMatch(/^"REFUSED/);
    expect(results.get('fetch-own')).toMatch(/^"REFUSED/);
    expect(results.get('net-own')).toMatch(/^"REFUSED/);
    expect(results.get('request-victim')).toBe('"OK 403"');
    expect(results.get('request-own')).toBe('"OK 403"');
    expect(results.get('request-app')).toBe('"OK 200"');
    expect(victim.connections()).toBe(0);
    expect(own.connections()).toBe(0);
    expect(
      run.refused.some((r) => r.includes(`${own.port}`) && /not an origin of the crawled app/.test(r)),
    ).toBe(true);
  });

  it('lets the browser open neither file: nor another origin', () => {
    expect(results.get('goto-file')).toMatch(/^"REFUSED Assay verify: navigation to file: is refused/);
    expect(results.get('goto-own')).toMatch(
      /^"REFUSED Assay verify: navigation to http:\/\/127\.0\.0\.1:\d+ is refused/,
    );
    expect(results.get('goto-app')).toBe('"OK 200"');
    expect(results.get('evaluate-file') ?? '').not.toContain('root:');
  });

  it('keeps what the tests print free of secrets', () => {
    expect(run.junitXml).toContain('leaking [redacted] and [redacted]');
    expect(run.junitXml).not.toContain(secret);
    expect(run.output).not.toContain(secret);
    expect(run.junitXml).not.toContain('sk-proj-0123456789abcdefXYZ');
  });
});

// The mutant check's runs are sandboxed runs too: Assay's own support files (the mutant fixture, the
// tsconfig.json that maps @playwright/test to it, a storage state) are readable in the read-only
// support folder, the fixture extends the navigation-guarded test, and a generated file can shadow none
// of it.
describe('a mutant run in the sandbox', () => {
  const mutantFile = (site: CrawlSite) => `import { expect, test } from '@playwright/test';
const report = (key: string, value: unknown) => console.log('RESULT ' + key + '=' + JSON.stringify(value));
test.use({ baseURL: '${site.origin}/' });
test('T1::mutated, guarded and signed in', { tag: '${SIGNED_IN_TAG}' }, async ({ page }) => {
  await page.goto('/about');
  report('title', await page.title());
  report('cookie', await page.evaluate(() => document.cookie));
  try { await page.goto('${victim.origin}/'); report('goto-other', 'OK'); } catch (e) { report('goto-other', String((e as Error).message).slice(0, 120)); }
  try { await page.goto('file:///etc/passwd'); report('goto-file', 'OK'); } catch (e) { report('goto-file', String((e as Error).message).slice(0, 120)); }
  await expect(page.locator('h1')).toHaveText('About us');
});
test('T2::not in the plan', async ({ page }) => {
  await page.goto('/about');
  report('unplanned', 'ran');
});
`;
  const state = JSON.stringify({
    cookies: [
      {
        name: 'sid',
        value: 'assay-signed-in',
        domain: '127.0.0.1',
        path: '/',
        expires: -1,
        httpOnly: false,
        secure: false,
        sameSite: 'Lax',
      },
    ],
    origins: [],
  });
  let mutant: TestRun;
  const seen = new Map<string, string>();

  beforeAll(async () => {
    const plan = { 'tests/r1-mutant.spec.ts:4': [{ kind: 'title' as const, to: MUTANT_TITLE }] };
    mutant = await runPlaywrightFiles(
      [
        {
          requirementId: 'R1',
          path: 'tests/r1-mutant.spec.ts',
          content: mutantFile(site),
          tids: [],
          locators: [],
        },
      ],
      {
        guard: createOriginGuard(
          createNetworkGuard({ allowedHosts: parseAllowedHosts('localhost,127.0.0.1') }),
          [site.origin],
        ),
        origins: [site.origin],
        chromiumPath: await chromiumExecutable(),
        timeoutMs: 120_000,
        workers: 1,
        storageState: 'assay-verify/storage-state.json',
        supportFiles: [
          { path: 'assay-verify/storage-state.json', content: state },
          {
            path: 'assay-verify/mutant-fixture.ts',
            content: mutantFixtureSource(plan, GUARDED_PLAYWRIGHT_TEST),
          },
          { path: 'tsconfig.json', content: mutantTsconfig('assay-verify/mutant-fixture.ts') },
        ],
      },
    );
    for (const match of (mutant.junitXml ?? '').matchAll(/RESULT ([\w-]+)=(.*)/g))
      seen.set(match[1]!, match[2]!);
  }, 180_000);

  it('applies the mutant and the storage state, and keeps every navigation check', () => {
    expect(mutant.isolation).toBe('unshare');
    expect(seen.get('title')).toBe(JSON.stringify(MUTANT_TITLE));
    expect(seen.get('cookie')).toBe('"sid=assay-signed-in"');
    expect(seen.get('goto-other')).toMatch(
      /^"Assay verify: navigation to http:\/\/127\.0\.0\.2:\d+ is refused/,
    );
    expect(seen.get('goto-file')).toMatch(/^"Assay verify: navigation to file: is refused/);
    expect(victim.connections()).toBe(0);
    // A test the plan has no mutant for is skipped by the fixture, not run unmutated.
    expect(seen.has('unplanned')).toBe(false);
    expect(mutant.junitXml?.match(/<testcase name="T2::not in the plan"[\s\S]*?<\/testcase>/)?.[0]).toContain(
      '<skipped>',
    );
  });

  it('refuses generated files that would be configuration or shadow the guarded module', async () => {
    for (const path of [
      'tsconfig.json',
      'tests/package.json',
      'tests/node_modules/@playwright/test/index.ts',
    ]) {
      const refused = await runPlaywrightFiles(
        [{ requirementId: 'R1', path, content: '{}', tids: [], locators: [] }],
        {
          guard: createNetworkGuard({ allowedHosts: [] }),
          chromiumPath: '/nonexistent',
          timeoutMs: 1_000,
          isolation: { kind: 'none' },
        },
      );
      expect(refused.junitXml).toBeNull();
      expect(refused.notRunReason).toMatch(/leaves the run folder|is not a TypeScript file/);
    }
  });
});
