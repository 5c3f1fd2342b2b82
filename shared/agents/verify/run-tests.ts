/**
 * Runs generated Playwright files once, headless, with the real
 * `@playwright/test` runner in a child process: the files are written to a
 * fresh temporary directory beside a generated `playwright.config.mjs`
 * (JUnit reporter, no retries, Chromium from {@link chromiumExecutable} via
 * `launchOptions.executablePath` — nothing is downloaded), and every request
 * of that Chromium goes through {@link startGuardProxy}, i.e. through the
 * crawler's SSRF guard. The directory is removed afterwards.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { QUIET_CHROMIUM_ARGS } from '../../crawl/chromium.ts';
import type { NetworkGuard } from '../../crawl/network.ts';
import type { PlaywrightFile } from '../agents.types.ts';
import { startGuardProxy } from './guard-proxy.ts';
import { playwrightProjectRoot } from './typecheck.ts';

/** What one run produced. */
export interface TestRun {
  /** The runner's JUnit report, or null when it wrote none. */
  readonly junitXml: string | null;
  /** Exit code of the runner (null when killed). */
  readonly exitCode: number | null;
  /** The end of the runner's output, for diagnostics. */
  readonly output: string;
  /** Targets the proxy refused. */
  readonly refused: readonly string[];
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly guard: NetworkGuard;
  readonly chromiumPath: string;
  /** Bound on the whole run, ms. */
  readonly timeoutMs: number;
  /** Bound on one test, ms (default 15 s). */
  readonly testTimeoutMs?: number;
  /** Parallel workers (default 2). */
  readonly workers?: number;
  /** Largest response body fetched through the proxy (default 10 MB). */
  readonly maxResponseBytes?: number;
  /**
   * Assay's own files for this run, written into the run folder beside the
   * tests (relative POSIX paths): the mutant fixture and the `tsconfig.json`
   * that maps `@playwright/test` to it, the signed-in storage state.
   */
  readonly supportFiles?: readonly { readonly path: string; readonly content: string }[];
  /**
   * Path (in the run folder, one of `supportFiles`) of a Playwright storage
   * state: tests tagged {@link SIGNED_IN_TAG} run with it (project
   * `signed-in`), the others without (project `public`).
   */
  readonly storageState?: string;
}

/** The tag of a test that needs the signed-in state (`test('T3::…', { tag: '@signed-in' }, …)`). */
export const SIGNED_IN_TAG = '@signed-in';
const GREP_PLACEHOLDER = '"__ASSAY_SIGNED_IN_GREP__"';

const OUTPUT_TAIL = 4000;

function config(options: RunOptions, proxyUrl: string, args: readonly string[]): string {
  const settings = {
    testDir: '.',
    testMatch: '**/*.spec.ts',
    workers: options.workers ?? 2,
    retries: 0,
    timeout: options.testTimeoutMs ?? 15_000,
    expect: { timeout: 5_000 },
    reporter: [['junit', { outputFile: 'junit.xml' }], ['line']],
    outputDir: 'results',
    use: {
      headless: true,
      browserName: 'chromium',
      launchOptions: { executablePath: options.chromiumPath, args },
      proxy: { server: proxyUrl },
      serviceWorkers: 'block',
      acceptDownloads: false,
      trace: 'off',
      screenshot: 'off',
      video: 'off',
    },
    ...(options.storageState
      ? {
          projects: [
            {
              name: 'signed-in',
              grep: '__ASSAY_SIGNED_IN_GREP__',
              use: { storageState: options.storageState },
            },
            { name: 'public', grepInvert: '__ASSAY_SIGNED_IN_GREP__' },
          ],
        }
      : {}),
  };
  const grep = `/${SIGNED_IN_TAG}\\b/`;
  return `export default ${JSON.stringify(settings, null, 2).split(GREP_PLACEHOLDER).join(grep)};\n`;
}

/**
 * Runs `files` and returns the JUnit report. Never throws for what the tests
 * or the app do; throws only when the temporary directory cannot be written.
 */
export async function runPlaywrightFiles(
  files: readonly PlaywrightFile[],
  options: RunOptions,
): Promise<TestRun> {
  const root = playwrightProjectRoot();
  const dir = await mkdtemp(join(tmpdir(), 'assay-verify-'));
  const proxy = await startGuardProxy(options.guard, {
    timeoutMs: Math.min(options.testTimeoutMs ?? 15_000, 30_000),
    maxBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
  });
  try {
    for (const file of [...files, ...(options.supportFiles ?? [])]) {
      const target = join(dir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const onLambda = process.env.ASSAY_RUNTIME === 'aws';
    const lambdaArgs: string[] = onLambda ? (await import('@sparticuz/chromium')).default.args : [];
    const args = [
      ...new Set([
        ...lambdaArgs,
        ...QUIET_CHROMIUM_ARGS,
        '--disable-features=NetworkPrediction,Prefetch',
        '--dns-prefetch-disable',
      ]),
    ];
    await writeFile(join(dir, 'playwright.config.mjs'), config(options, proxy.url, args));
    const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
    const child = spawn(process.execPath, [cli, 'test', '--config', 'playwright.config.mjs'], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        TMPDIR: tmpdir(),
        CI: '1',
        FORCE_COLOR: '0',
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
        PW_TEST_HTML_REPORT_OPEN: 'never',
      },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The runner and the Chromium it launched are one process group (detached): end them all.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code));
    });
    clearTimeout(timer);
    const junitXml = await readFile(join(dir, 'junit.xml'), 'utf8').catch(() => null);
    return { junitXml, exitCode, output, refused: [...proxy.refused], timedOut };
  } finally {
    await proxy.close();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
