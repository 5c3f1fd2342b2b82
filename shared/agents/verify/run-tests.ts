/**
 * Runs generated Playwright files once, headless, with the real
 * `@playwright/test` runner in a child process, isolated (issue 25):
 *
 * - a fresh run folder: `support/` (read-only inside the sandbox) holds the
 *   files, a generated `playwright.config.mjs` (JUnit reporter, no retries,
 *   Chromium from {@link chromiumExecutable} via `launchOptions.executablePath`
 *   — nothing is downloaded), the launcher, the `@playwright/test` the files
 *   import (the real one with its navigation guard,
 *   {@link navigationGuardModule}) and Assay's own files for the run
 *   ({@link RunOptions.supportFiles}: a mutant fixture extending that guarded
 *   test with a `tsconfig.json` mapping `@playwright/test` to it, a storage
 *   state); `work/` (writable) receives the report;
 * - the runner runs in the sandbox of {@link sandboxCommand} (namespaces,
 *   allow-list root, uid 65534, no capabilities) with an environment holding
 *   nothing secret; every request — Chromium's, the `request` fixture's and
 *   Node's own — can only go through {@link startGuardProxy}, i.e. the
 *   crawler's SSRF guard narrowed to the crawled origins;
 * - what it printed and reported is scrubbed of secrets ({@link scrubSecrets}).
 *
 * The folder is removed afterwards.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { QUIET_CHROMIUM_ARGS } from '../../crawl/chromium.ts';
import type { NetworkGuard } from '../../crawl/network.ts';
import type { PlaywrightFile } from '../agents.types.ts';
import { startGuardProxy } from './guard-proxy.ts';
import {
  detectIsolation,
  type Isolation,
  LAUNCHER,
  SANDBOX_PROXY_PORT,
  SANDBOX_UID,
  sandboxCommand,
  systemBinds,
} from './sandbox.ts';
import { scrubSecrets } from './scrub.ts';
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
  /** How the runner was isolated (`none`: `ASSAY_VERIFY_SANDBOX=off`, or nothing ran). */
  readonly isolation: Isolation['kind'];
  /** Why nothing ran (no isolation available, a file path leaving the run folder); then `junitXml` is null. */
  readonly notRunReason?: string;
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
  /** The isolation to use (default: {@link detectIsolation}; a failed probe means nothing runs). */
  readonly isolation?: Isolation;
  /**
   * Assay's own files for this run (the mutant fixture and the `tsconfig.json`
   * that maps `@playwright/test` to it, a signed-in storage state …): written
   * to the read-only support folder beside the tests, at `path` (relative
   * POSIX path, inside the folder, never under `node_modules`). They are not
   * model output: no code-policy gate applies to them, and they win over a
   * test file at the same path.
   */
  readonly supportFiles?: readonly { readonly path: string; readonly content: string | Buffer }[];
  /**
   * Path (in the support folder, one of `supportFiles`) of a Playwright
   * storage state: tests tagged {@link SIGNED_IN_TAG} run with it (project
   * `signed-in`), the others without (project `public`).
   */
  readonly storageState?: string;
  /** The origins the browser may navigate to (`http://127.0.0.1:3000`); every other URL is blocked in the browser. */
  readonly origins?: readonly string[];
  /** Secret values to take out of what the run printed and reported, besides the server's environment's. */
  readonly secrets?: readonly string[];
}

/** The tag of a test that needs the signed-in state (`test('T3::…', { tag: '@signed-in' }, …)`). */
export const SIGNED_IN_TAG = '@signed-in';
const GREP_PLACEHOLDER = '"__ASSAY_SIGNED_IN_GREP__"';

const OUTPUT_TAIL = 4000;

/** The folders of one run: `support` (read-only in the sandbox) and `work` (writable). */
export interface RunFolders {
  readonly support: string;
  readonly work: string;
}

/**
 * `path` inside `folder`, or null when it would leave it (absolute, `..`,
 * empty): a file path from the model stays inside the run folder.
 */
export function insideFolder(folder: string, path: string): string | null {
  if (path.length === 0 || path.includes('\0') || isAbsolute(path)) return null;
  const target = normalize(join(folder, path));
  const rel = relative(folder, target);
  if (rel.length === 0 || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return target;
}

/** Names in the support folder that belong to the runner, not to the files. */
const RESERVED = new Set([
  'playwright.config.mjs',
  'launcher.mjs',
  'guard.sock',
  'chromium-policy.json',
  'node_modules',
]);

/**
 * Whether `rel` (a path relative to the support folder) is the runner's: one
 * of {@link RESERVED} at the top, or anything under a `node_modules` folder
 * at any depth (Node would resolve `@playwright/test` from the nearest one,
 * past the guarded module).
 */
function reservedPath(rel: string): boolean {
  const parts = rel.split(sep);
  return RESERVED.has(parts[0] ?? '') || parts.includes('node_modules');
}

/**
 * Why a test file may not be written at `path`, or null: a test file is a
 * TypeScript module (`.ts`) inside the run folder, never a configuration the
 * runner would read (`tsconfig.json`, `package.json` …) and never under a
 * `node_modules` folder.
 */
function testFileRefusal(folder: string, path: string): string | null {
  const target = insideFolder(folder, path);
  if (!target || reservedPath(relative(folder, target)))
    return `the file path ${JSON.stringify(path)} leaves the run folder`;
  if (!target.endsWith('.ts')) return `the file path ${JSON.stringify(path)} is not a TypeScript file (.ts)`;
  return null;
}

/**
 * The module name under which the run folder serves the navigation-guarded
 * test ({@link navigationGuardModule}); `@playwright/test` re-exports it.
 * Assay's own fixtures (the mutant fixture) extend it by this name, so that a
 * `tsconfig.json` mapping `@playwright/test` to them keeps the guard.
 */
export const GUARDED_PLAYWRIGHT_TEST = '@assay/verify-guarded-test';

/**
 * The `@playwright/test` the generated files import inside the run folder:
 * the real one, with `test` extended so the browser refuses `file:` and any
 * navigation off `origins` (every `goto` of every page and frame, and a
 * `baseURL` off them), before a request is made. The real package is
 * required by absolute path, so the runner and the files share one instance.
 */
export function navigationGuardModule(realPackage: string, origins: readonly string[]): string {
  return `'use strict';
const real = require(${JSON.stringify(realPackage)});
const ORIGINS = new Set(${JSON.stringify(origins.map((o) => new URL(o).origin))});
function check(url, base) {
  let target;
  try { target = new URL(String(url), base); } catch { throw new Error('Assay verify: navigation to an invalid URL is refused'); }
  if (target.href === 'about:blank') return;
  if ((target.protocol !== 'http:' && target.protocol !== 'https:') || !ORIGINS.has(target.origin))
    throw new Error('Assay verify: navigation to ' + target.protocol + (target.protocol.startsWith('http') ? '//' + target.host : '') + ' is refused; only the crawled app (' + [...ORIGINS].join(', ') + ') may be opened');
}
const patched = new WeakSet();
function guard(proto, base) {
  if (!proto || patched.has(proto) || typeof proto.goto !== 'function') return;
  const goto = proto.goto;
  Object.defineProperty(proto, 'goto', { configurable: false, writable: false, value: function (url, options) {
    check(url, base ?? [...ORIGINS][0]);
    return goto.call(this, url, options);
  } });
  patched.add(proto);
}
const test = real.test.extend({
  baseURL: async ({ baseURL }, use) => { if (baseURL) check(baseURL); await use(baseURL); },
  _assayNavigationGuard: [async ({ page, baseURL }, use) => {
    guard(Object.getPrototypeOf(page), baseURL);
    guard(Object.getPrototypeOf(page.mainFrame()), baseURL);
    await use(undefined);
  }, { auto: true }],
});
module.exports = { ...real, test, default: test };
`;
}

function config(options: RunOptions, folders: RunFolders, proxyUrl: string, args: readonly string[]): string {
  // The runner's working directory is the work folder: the storage state is named by its absolute path.
  const storageStatePath = options.storageState ? insideFolder(folders.support, options.storageState) : null;
  const settings = {
    testDir: '.',
    testMatch: '**/*.spec.ts',
    workers: options.workers ?? 2,
    retries: 0,
    timeout: options.testTimeoutMs ?? 15_000,
    expect: { timeout: 5_000 },
    reporter: [['junit', { outputFile: join(folders.work, 'junit.xml') }], ['line']],
    outputDir: join(folders.work, 'results'),
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
    ...(storageStatePath
      ? {
          projects: [
            {
              name: 'signed-in',
              grep: '__ASSAY_SIGNED_IN_GREP__',
              use: { storageState: storageStatePath },
            },
            { name: 'public', grepInvert: '__ASSAY_SIGNED_IN_GREP__' },
          ],
        }
      : {}),
  };
  const grep = `/${SIGNED_IN_TAG}\\b/`;
  return `export default ${JSON.stringify(settings, null, 2).split(GREP_PLACEHOLDER).join(grep)};\n`;
}

/** The environment of the runner: nothing of the server's beyond what Chromium needs to find its libraries and fonts. */
function runnerEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: '/tmp',
    CI: '1',
    FORCE_COLOR: '0',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    PW_TEST_HTML_REPORT_OPEN: 'never',
  };
  for (const name of ['LD_LIBRARY_PATH', 'FONTCONFIG_PATH', 'LANG', 'TZ'] as const) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/**
 * Runs `files` and returns the JUnit report. Never throws for what the tests
 * or the app do; throws only when the temporary directory cannot be written.
 * Without an isolation ({@link RunOptions.isolation}, else the probe), or when
 * a file path leaves the run folder, nothing runs and `notRunReason` says why.
 */
export async function runPlaywrightFiles(
  files: readonly PlaywrightFile[],
  options: RunOptions,
): Promise<TestRun> {
  const notRun = (reason: string, isolation: Isolation['kind'] = 'none'): TestRun => ({
    junitXml: null,
    exitCode: null,
    output: '',
    refused: [],
    timedOut: false,
    isolation,
    notRunReason: reason,
  });
  let isolation = options.isolation;
  if (!isolation) {
    const check = await detectIsolation();
    if (!check.ok) return notRun(check.reason);
    isolation = check.isolation;
  }
  const root = playwrightProjectRoot();
  const base = await mkdtemp(join(tmpdir(), 'assay-verify-'));
  const folders: RunFolders = { support: join(base, 'support'), work: join(base, 'work') };
  const sandboxed = isolation.kind === 'unshare';
  let proxy: Awaited<ReturnType<typeof startGuardProxy>> | undefined;
  try {
    await chmod(base, 0o755);
    await mkdir(folders.support, { mode: 0o755 });
    await mkdir(join(folders.work, 'home'), { recursive: true, mode: 0o755 });
    await mkdir(join(base, 'root'), { mode: 0o755 });
    if (isolation.kind === 'unshare' && !isolation.userNamespace && process.getuid?.() === 0) {
      await chown(folders.work, SANDBOX_UID, SANDBOX_UID);
      await chown(join(folders.work, 'home'), SANDBOX_UID, SANDBOX_UID);
      // @sparticuz/chromium unpacks its binary 0700: the runner's uid must be able to start it.
      await chmod(options.chromiumPath, 0o755).catch(() => undefined);
    }
    // The test files first, Assay's support files after them (a support file wins over a test file at its path).
    for (const file of files) {
      const refusal = testFileRefusal(folders.support, file.path);
      if (refusal) return notRun(refusal, isolation.kind);
    }
    for (const file of [...files, ...(options.supportFiles ?? [])]) {
      const target = insideFolder(folders.support, file.path);
      if (!target || reservedPath(relative(folders.support, target)))
        return notRun(`the file path ${JSON.stringify(file.path)} leaves the run folder`, isolation.kind);
      await mkdir(dirname(target), { recursive: true, mode: 0o755 });
      await writeFile(target, file.content, { mode: 0o644 });
    }
    if (
      options.storageState !== undefined &&
      !(options.supportFiles ?? []).some(
        (f) =>
          insideFolder(folders.support, f.path) === insideFolder(folders.support, options.storageState ?? ''),
      )
    )
      return notRun(
        `the storage state ${JSON.stringify(options.storageState)} is not one of the support files`,
        isolation.kind,
      );
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
    const socketPath = join(folders.support, 'guard.sock');
    proxy = await startGuardProxy(options.guard, {
      timeoutMs: Math.min(options.testTimeoutMs ?? 15_000, 30_000),
      maxBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
      ...(sandboxed ? { socketPath } : {}),
    });
    const proxyUrl = sandboxed ? `http://127.0.0.1:${SANDBOX_PROXY_PORT}` : proxy.url;
    await writeFile(
      join(folders.support, 'playwright.config.mjs'),
      config(options, folders, proxyUrl, args),
      {
        mode: 0o644,
      },
    );
    await writeFile(join(folders.support, 'launcher.mjs'), LAUNCHER, { mode: 0o644 });
    // node_modules/@assay/verify-guarded-test: the real @playwright/test with the navigation guard;
    // node_modules/@playwright/test: that module again, for the files' own import (a tsconfig.json among the
    // support files may map that name to a fixture, which then extends the guarded test by its own name).
    const guarded = join(folders.support, 'node_modules', ...GUARDED_PLAYWRIGHT_TEST.split('/'));
    const wrapper = join(folders.support, 'node_modules', '@playwright', 'test');
    for (const [dir, name, main] of [
      [
        guarded,
        GUARDED_PLAYWRIGHT_TEST,
        navigationGuardModule(join(root, 'node_modules', '@playwright', 'test'), options.origins ?? []),
      ],
      [wrapper, '@playwright/test', `'use strict';\nmodule.exports = require(${JSON.stringify(guarded)});\n`],
    ] as const) {
      await mkdir(dir, { recursive: true, mode: 0o755 });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }), { mode: 0o644 });
      await writeFile(join(dir, 'index.js'), main, { mode: 0o644 });
    }
    const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
    const runner = [cli, 'test', '--config', join(folders.support, 'playwright.config.mjs')];
    const argv = sandboxed
      ? sandboxCommand(isolation, {
          base: join(base, 'root'),
          binds: [
            ...systemBinds({ chromiumPath: options.chromiumPath, nodeModules: join(root, 'node_modules') }),
            { path: folders.support },
            { path: folders.work, writable: true },
          ],
          program: [
            process.execPath,
            join(folders.support, 'launcher.mjs'),
            socketPath,
            String(SANDBOX_PROXY_PORT),
            folders.work,
            ...runner,
          ],
        })
      : [process.execPath, ...runner];
    const env = runnerEnv(join(folders.work, 'home'));
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: folders.work,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // unshare and its setup script find their tools on this PATH; the runner gets `env` as is.
      env: sandboxed ? { ...env, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } : env,
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
      // The runner, the Chromium it launched (and the namespace, whose first process dies with unshare) are
      // one process group (detached): end them all.
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
    const junitXml = await readFile(join(folders.work, 'junit.xml'), 'utf8').catch(() => null);
    const secrets = options.secrets ?? [];
    return {
      junitXml: junitXml === null ? null : scrubSecrets(junitXml, secrets),
      exitCode,
      output: scrubSecrets(output, secrets),
      refused: proxy.refused.map((r) => scrubSecrets(r, secrets)),
      timedOut,
      isolation: isolation.kind,
    };
  } finally {
    await proxy?.close();
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}
