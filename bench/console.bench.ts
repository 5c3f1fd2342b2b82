/**
 * `npm run bench console`: how fast a console page shows its data on the
 * local runtime (goal: ≤ 1 s after navigation), measured in Chromium, beside
 * a baseline in the same run: the same page's API read fetched by the page
 * itself (what the data costs without the console). Also the initial
 * JavaScript's gzipped size (goal: ≤ 200 KB).
 *
 * One `npm start` on free ports; the App is installed on `bench` with an issue
 * (two criteria); a browser signs in through the GitHub double. Each page is
 * opened `RUNS` times as a full navigation (a cold page: HTML, JS, session,
 * data); the median counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumExecutable, QUIET_CHROMIUM_ARGS } from '../shared/crawl/chromium.ts';
import { runCommand } from '../test/support/run-command.ts';
import { spawnNpmStart } from '../test/support/spawn-start.ts';

const RUNS = 7;
const root = join(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function initialJsGzipKb(): number {
  const html = readFileSync(join(root, 'console/dist/index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="\/([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]!);
  const bytes = [...scripts, ...preloads].reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(root, 'console/dist', file)), { level: 9 }).length,
    0,
  );
  return bytes / 1024;
}

export default async function bench(): Promise<void> {
  if (!readdirSync(join(root, 'console/dist')).includes('index.html'))
    throw new Error('console/dist is not built: npm run build:console');
  console.log(`initial JavaScript: ${initialJsGzipKb().toFixed(1)} KB gzipped (goal ≤ 200 KB)`);
  const dir = await mkdtemp(join(tmpdir(), 'assay-bench-console-'));
  const env = { PORT: '0', ASSAY_S3_PORT: '0', ASSAY_DATA_DIR: join(dir, 'data'), ASSAY_LOG_LEVEL: 'WARN' };
  const app = await spawnNpmStart(env, 120_000);
  const browser = await chromium.launch({
    executablePath: await chromiumExecutable(),
    args: [...QUIET_CHROMIUM_ARGS],
  });
  try {
    const cli = (args: string[]) =>
      runCommand('npx', ['assay', ...args], { env: { ...process.env, ...env } });
    await cli(['dev', 'install', '--org', 'bench', '--repo', 'shop', '--sender', 'ada']);
    const issue = await cli([
      'dev',
      'issue',
      '--repo',
      'bench/shop',
      '--title',
      'Checkout',
      '--body',
      '## Acceptance criteria\n- A customer can pay by card\n- An expired card is refused\n',
      '--json',
    ]);
    const number = JSON.parse(issue.stdout).number as number;
    // A fixed locale: the process's own (e.g. LANG=C → en-US@posix) is not one a browser page accepts.
    const page = await browser.newPage({ locale: 'en-US' });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
    await page.goto(`${app.url}/orgs/bench`);
    await page
      .getByRole('link', { name: 'Sign in with GitHub' })
      .click({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        throw new Error(`no sign-in link on ${page.url()}: ${await page.textContent('body')}`, {
          cause: error,
        });
      });
    await page.getByLabel('Username').fill('ada');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'bench' }).waitFor();

    const pages = [
      {
        name: 'issue',
        path: `/repos/bench/shop/issues/${number}`,
        api: `/api/v1/repos/bench/shop/issues/${number}`,
        ready: 'T2',
      },
      {
        name: 'agent runs',
        path: '/orgs/bench/agent-runs',
        api: '/api/v1/orgs/bench/agent-runs',
        ready: 'No agent run yet',
      },
      {
        name: 'documents',
        path: '/orgs/bench/documents',
        api: '/api/v1/orgs/bench/documents',
        ready: 'No document yet',
      },
    ];
    console.log('page          data visible (median ms)   its API read alone (median ms)   ratio');
    for (const p of pages) {
      const visible: number[] = [];
      const apiOnly: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = Date.now();
        await page.goto(`${app.url}${p.path}`, { waitUntil: 'commit' });
        await page.getByText(p.ready).first().waitFor();
        visible.push(Date.now() - start);
        apiOnly.push(
          await page.evaluate(async (url) => {
            const t = performance.now();
            await (await fetch(url)).json();
            return performance.now() - t;
          }, p.api),
        );
      }
      const v = median(visible);
      const a = median(apiOnly);
      console.log(
        `${p.name.padEnd(14)}${String(v).padStart(8)}${a.toFixed(0).padStart(30)}${(v / a).toFixed(1).padStart(14)}×`,
      );
    }
  } finally {
    await browser.close();
    await app.interrupt();
    await rm(dir, { recursive: true, force: true });
  }
}
