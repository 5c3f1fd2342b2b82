import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, test as base, chromium, expect, type Page } from '@playwright/test';
import { chromiumExecutable, QUIET_CHROMIUM_ARGS } from '../../shared/crawl/chromium.ts';
import { runCommand } from '../support/run-command.ts';
import { type StartedProcess, spawnNpmStart } from '../support/spawn-start.ts';

/** One `npm start` for the whole run, on free ports, over a fresh data directory. */
export interface Assay {
  url: string;
  dataDir: string;
  /** `npx assay …` against this runtime; throws with its output when it fails. */
  cli(args: string[]): Promise<string>;
  /** The GitHub double's control API (`/_double/…`). */
  double<T>(path: string): Promise<T>;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Console messages of level error, except those listed as expected by the test. */
export function collectConsoleErrors(page: Page): { errors: string[]; allow: (pattern: RegExp) => void } {
  const errors: string[] = [];
  const allowed: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} (${message.location().url})`;
    if (!allowed.some((p) => p.test(text))) errors.push(text);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return { errors, allow: (pattern) => allowed.push(pattern) };
}

/** Runs axe-core on the page; resolves to its serious and critical violations (id: nodes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the console's Content-Security-Policy does not govern.
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  type Result = { violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] };
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<Result> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

/** Signs `page` in through "Sign in with GitHub" and the GitHub double's sign-in page, from wherever it is. */
export async function signInWithGitHub(page: Page, login: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await expect(page).toHaveTitle(/Sign in to GitHub/);
  await page.getByLabel('Username').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Saves a screenshot for the README when `ASSAY_SCREENSHOTS` names a folder (`npm run screenshots`). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.ASSAY_SCREENSHOTS;
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

export const test = base.extend<object, { assay: Assay; browser: Browser }>({
  browser: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured
    async ({}, use) => {
      const browser = await chromium.launch({
        executablePath: await chromiumExecutable(),
        headless: true,
        args: [...QUIET_CHROMIUM_ARGS],
      });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  assay: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured
    async ({}, use) => {
      const root = mkdtempSync(join(tmpdir(), 'assay-console-'));
      const dataDir = join(root, 'data');
      const env = { PORT: '0', ASSAY_S3_PORT: '0', ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'WARN' };
      let app: StartedProcess | undefined;
      try {
        app = await spawnNpmStart(env, 90_000);
        const started = app;
        const cliEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
        delete cliEnv.DATABASE_URL;
        const lock = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as {
          githubDoubleUrl: string;
        };
        await use({
          url: started.url,
          dataDir,
          async cli(args) {
            const result = await runCommand('npx', ['assay', ...args], { env: cliEnv });
            if (result.code !== 0)
              throw new Error(
                `assay ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`,
              );
            return result.stdout;
          },
          async double<T>(path: string) {
            const response = await fetch(`${lock.githubDoubleUrl}/_double${path}`);
            if (!response.ok) throw new Error(`double ${path}: ${response.status}`);
            return (await response.json()) as T;
          },
        });
      } finally {
        // The runtime's own log, for a failure's story (`ASSAY_CONSOLE_TEST_LOG=/tmp/x.log`).
        if (process.env.ASSAY_CONSOLE_TEST_LOG && app)
          writeFileSync(process.env.ASSAY_CONSOLE_TEST_LOG, app.output());
        await app?.interrupt();
        rmSync(root, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export { expect };
