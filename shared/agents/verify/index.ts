/**
 * The verify stage (issue 18, stage 6): are the generated Playwright files
 * any good?
 *
 * 1. every file type-checks (TypeScript compiler API, strict, against the
 *    installed `@playwright/test` typings) — {@link typecheckFiles};
 * 2. every locator the code calls (read from its syntax tree) was recorded
 *    by the crawl — {@link locatorsInCode};
 * 3. when the crawled app is reachable under the crawler's SSRF rules, the
 *    files are run once headless by the real `@playwright/test` runner in a
 *    sandbox (issue 25: {@link detectIsolation}), every request of the
 *    browser and of Node through the guard narrowed to exactly the crawl's
 *    origins ({@link createOriginGuard}) — {@link runPlaywrightFiles} — and
 *    its JUnit report (TIDs in the test names, `T12::…`, readable by
 *    `shared/reports/junit`, scrubbed of secrets) is returned with the counts.
 *
 * @module
 */
import { topology } from '../../../infra/topology.ts';
import { type AllowedHost, parseAllowedHosts } from '../../crawl/address.ts';
import { chromiumExecutable } from '../../crawl/chromium.ts';
import { createNetworkGuard, guardedFetch, type Resolver, TargetRefusedError } from '../../crawl/network.ts';
import { parseJUnit } from '../../reports/junit/parse.ts';
import type { CrawlFacts, PlaywrightFile, VerifyOutcome } from '../agents.types.ts';
import { crawlLocators } from '../stages/crawl-facts.ts';
import { canonicalLocator, locatorsInCode, parses, testTitlesInCode } from './code-facts.ts';
import { codePolicyViolations } from './code-policy.ts';
import { crawlOrigins, createOriginGuard } from './origins.ts';
import { runPlaywrightFiles } from './run-tests.ts';
import { detectIsolation } from './sandbox.ts';
import { scrubSecrets } from './scrub.ts';
import { typecheckFiles } from './typecheck.ts';

export { canonicalLocator, locatorsInCode, parses, testTitlesInCode, tidsInCode } from './code-facts.ts';
export { codePolicyViolations } from './code-policy.ts';
export { startGuardProxy } from './guard-proxy.ts';
export { crawlOrigins, createOriginGuard, normalizedOrigin } from './origins.ts';
export { runPlaywrightFiles } from './run-tests.ts';
export { detectIsolation, SANDBOX_ENV } from './sandbox.ts';
export { scrubSecrets } from './scrub.ts';
export { typecheckFiles } from './typecheck.ts';

/** Default bound on the whole test run, ms: the verify runner's (`runners.verify` in the topology, both runtimes). */
export const VERIFY_RUN_TIMEOUT_MS = topology.runners.verify.timeoutSeconds * 1000;
const REACHABILITY_TIMEOUT_MS = 5_000;

/** How verify may run the tests. */
export interface VerifyRunSettings {
  /** Hosts the tests may reach beyond public addresses: `ASSAY_CRAWL_ALLOWED_HOSTS` entries (`127.0.0.1:3000`) or parsed ones. */
  readonly allowedHosts: readonly (string | AllowedHost)[];
  /** Chromium to use (default: the crawler's, {@link chromiumExecutable}). */
  readonly chromiumPath?: string;
  /** Bound on the whole run, ms (default {@link VERIFY_RUN_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Parallel workers of the runner (default 2). */
  readonly workers?: number;
  /** DNS resolver of the guard (tests). */
  readonly resolver?: Resolver;
  /**
   * Origins of the runtime's own services (its API, object store, database,
   * GitHub and OpenAI endpoints): refused even when the crawl started there.
   */
  readonly ownOrigins?: readonly string[];
  /** Secret values to take out of what the tests print, besides the server's environment's ({@link scrubSecrets}). */
  readonly secrets?: readonly string[];
}

function allowList(entries: readonly (string | AllowedHost)[]): AllowedHost[] {
  return entries.flatMap((entry) => (typeof entry === 'string' ? parseAllowedHosts(entry) : [entry]));
}

/** Locators the files call that the crawl did not record (`[]` without a crawl). */
export function missingLocators(
  files: readonly PlaywrightFile[],
  crawl: CrawlFacts | null,
): { path: string; locator: string }[] {
  if (!crawl) return [];
  const recorded = new Set([...crawlLocators(crawl)].map(canonicalLocator));
  return files.flatMap((file) =>
    locatorsInCode(file.content)
      .filter((locator) => !recorded.has(locator))
      .map((locator) => ({ path: file.path, locator })),
  );
}

/**
 * Verifies generated files; see the module comment. A file that does not
 * type-check, a missing locator, an unreachable or refused app, a failing
 * test: each is reported in the outcome, never thrown. `ran` is false (with
 * `notRunReason`) without a crawl, without `run`, when the start URL is
 * refused by the SSRF rules or not reachable, without Chromium, or when the
 * runner wrote no report; then `junitXml` is null. Counts come from the
 * runner's JUnit report; a file that does not parse is not run (the runner
 * would refuse every file) and the tests it declares are added as failed.
 */
export async function verifyPlaywrightFiles(input: {
  files: readonly PlaywrightFile[];
  crawl: CrawlFacts | null;
  run: VerifyRunSettings | null;
}): Promise<{ outcome: VerifyOutcome; junitXml: string | null }> {
  const typeErrors = input.files.length > 0 ? typecheckFiles(input.files) : [];
  const codeRefused = input.files.flatMap((f) =>
    codePolicyViolations(f.content).map((violation) => `${f.path}:${violation}`),
  );
  const base = {
    typecheck: typeErrors.length === 0 ? ('ok' as const) : ('failed' as const),
    typeErrors,
    locatorsMissing: missingLocators(input.files, input.crawl),
    codeRefused,
  };
  const notRun = (reason: string) => ({
    outcome: { ...base, ran: false, notRunReason: reason, tests: 0, passed: 0, failed: 0, skipped: 0 },
    junitXml: null,
  });
  if (input.files.length === 0) return notRun('no test files');
  if (!input.crawl) return notRun('no crawl: there is no app to run the tests against');
  if (!input.run) return notRun('running the tests was not requested');
  const isolation = await detectIsolation();
  if (!isolation.ok) return notRun(isolation.reason);
  const origins = crawlOrigins(input.crawl);
  const guard = createOriginGuard(
    createNetworkGuard({
      allowedHosts: allowList(input.run.allowedHosts),
      ...(input.run.resolver ? { resolver: input.run.resolver } : {}),
    }),
    origins,
    input.run.ownOrigins ?? [],
  );
  try {
    await guardedFetch(guard, {
      url: input.crawl.startUrl,
      timeoutMs: REACHABILITY_TIMEOUT_MS,
      maxBytes: 1024 * 1024,
    });
  } catch (error) {
    if (error instanceof TargetRefusedError)
      return notRun(`refused by the crawl's network rules: ${error.reason}`);
    return notRun(`the app is not reachable: ${(error as Error).message ?? String(error)}`);
  }
  let chromiumPath: string;
  try {
    chromiumPath = input.run.chromiumPath ?? (await chromiumExecutable());
  } catch (error) {
    return notRun(`no Chromium: ${(error as Error).message}`);
  }
  // The runner refuses to run anything when one file does not load: files that do not parse are left out
  // (their tests count as failed below); files with type errors only still run (types are stripped).
  // Files outside the code allow-list are not run either (their tests count as failed).
  const runnable = input.files.filter(
    (f) => parses(f.content) && codePolicyViolations(f.content).length === 0,
  );
  if (runnable.length === 0)
    return notRun('no file parses and keeps to the code allow-list: there is nothing the runner may load');
  const run = await runPlaywrightFiles(runnable, {
    guard,
    chromiumPath,
    timeoutMs: input.run.timeoutMs ?? VERIFY_RUN_TIMEOUT_MS,
    isolation: isolation.isolation,
    origins: origins.map((o) => new URL(o).origin),
    ...(input.run.secrets ? { secrets: input.run.secrets } : {}),
    ...(input.run.workers ? { workers: input.run.workers } : {}),
  });
  if (!run.junitXml) {
    return notRun(
      run.notRunReason ??
        (run.timedOut
          ? 'the test run timed out'
          : `the test runner wrote no report (exit ${run.exitCode}): ${scrubSecrets(run.output.slice(-500), input.run.secrets)}`),
    );
  }
  const counts = await parseJUnit(run.junitXml);
  if (!counts.valid) return notRun(`the test runner's report is not valid JUnit: ${counts.reason}`);
  // A file left out or not loaded has no testcase in the report: its declared tests count as failed.
  const declared = input.files.reduce((n, f) => n + testTitlesInCode(f.content).length, 0);
  const unreported = Math.max(0, declared - counts.tests);
  return {
    outcome: {
      ...base,
      ran: true,
      ...(run.timedOut ? { notRunReason: 'the test run timed out; the report is partial' } : {}),
      tests: counts.tests + unreported,
      passed: counts.passed,
      failed: counts.failed + counts.errored + unreported,
      skipped: counts.skipped,
    },
    junitXml: run.junitXml,
  };
}
