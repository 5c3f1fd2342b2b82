/**
 * The verify stage (issue 18, stage 6): are the generated Playwright files
 * any good?
 *
 * 1. every file type-checks (TypeScript compiler API, strict, against the
 *    installed `@playwright/test` typings) — {@link typecheckFiles};
 * 2. every locator the code acts on (read from its syntax tree) was recorded
 *    by the crawl — {@link missingLocators};
 * 3. every file keeps to the code allow-list ({@link codePolicyViolations},
 *    issue 25): a file outside it is reported in `codeRefused`, never run,
 *    and its tests count as failed;
 * 4. when the crawled app is reachable under the crawler's SSRF rules, the
 *    files are run once headless by the real `@playwright/test` runner in a
 *    sandbox (issue 25: {@link detectIsolation}), every request of the
 *    browser and of Node through the guard narrowed to exactly the crawl's
 *    origins ({@link createOriginGuard}) — {@link runPlaywrightFiles} — and
 *    its JUnit report (TIDs in the test names, `T12::…`, readable by
 *    `shared/reports/junit`, scrubbed of secrets) is returned with the counts;
 * 5. each test that passed is run again, in the same sandbox, against
 *    mutants of the app that break what it asserts (the mutant fixture, an
 *    Assay support file that extends the sandbox's guarded test): `proving`
 *    when it fails there, else `vacuous` — only a proving test keeps its TID.
 *
 * @module
 */
import { z } from 'zod';
import { topology } from '../../../infra/topology.ts';
import { type AllowedHost, parseAllowedHosts } from '../../crawl/address.ts';
import { chromiumExecutable } from '../../crawl/chromium.ts';
import { createNetworkGuard, guardedFetch, type Resolver, TargetRefusedError } from '../../crawl/network.ts';
import { parseJUnit } from '../../reports/junit/parse.ts';
import { extractTids } from '../../reports/junit/tids.ts';
import type { CrawlFacts, PlaywrightFile, TestResult, VerifyOutcome } from '../agents.types.ts';
import { crawlLocators } from '../stages/crawl-facts.ts';
import { canonicalLocator, parses } from './code-facts.ts';
import { codePolicyViolations } from './code-policy.ts';
import { type CaseResult, caseResults } from './junit-results.ts';
import { type Mutation, mutableAssertions, mutantFixtureSource, mutantTsconfig, testKey } from './mutants.ts';
import { crawlOrigins, createOriginGuard } from './origins.ts';
import { GUARDED_PLAYWRIGHT_TEST, runPlaywrightFiles } from './run-tests.ts';
import { detectIsolation } from './sandbox.ts';
import { scrubSecrets } from './scrub.ts';
import { actionLocatorsInCode, type TestFact, testsInCode } from './test-facts.ts';
import { typecheckFiles } from './typecheck.ts';

export { canonicalLocator, locatorsInCode, parses, testTitlesInCode, tidsInCode } from './code-facts.ts';
export { codePolicyViolations } from './code-policy.ts';
export { startGuardProxy } from './guard-proxy.ts';
export { mutationFor } from './mutants.ts';
export { crawlOrigins, createOriginGuard, normalizedOrigin } from './origins.ts';
export { retitleUnproven } from './retitle.ts';
export { runPlaywrightFiles } from './run-tests.ts';
export { detectIsolation, SANDBOX_ENV } from './sandbox.ts';
export { scrubSecrets } from './scrub.ts';
export { testsInCode } from './test-facts.ts';
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
  /**
   * What the tests get beyond the app: the storage state Assay obtained by
   * signing in itself (issue 32) — the tests tagged `@signed-in` run with it.
   * Never the credential. Its cookie and storage values are scrubbed from
   * what the run prints, like {@link secrets}.
   */
  readonly support?: { readonly storageState?: { readonly path: string; readonly content: string } };
}

function allowList(entries: readonly (string | AllowedHost)[]): AllowedHost[] {
  return entries.flatMap((entry) => (typeof entry === 'string' ? parseAllowedHosts(entry) : [entry]));
}

/**
 * Locators the files act on (outside any `expect(…)`) that the crawl did not
 * record (`[]` without a crawl). What an assertion looks at — any text, role
 * or URL — is not checked here: the mutant check keeps assertions honest.
 */
export function missingLocators(
  files: readonly PlaywrightFile[],
  crawl: CrawlFacts | null,
): { path: string; locator: string }[] {
  if (!crawl) return [];
  const recorded = new Set([...crawlLocators(crawl)].map(canonicalLocator));
  return files.flatMap((file) =>
    actionLocatorsInCode(file.content, canonicalLocator)
      .filter((locator) => !recorded.has(locator))
      .map((locator) => ({ path: file.path, locator })),
  );
}

const storageStateSchema = z.object({
  cookies: z.array(z.object({ value: z.string() }).passthrough()).default([]),
  origins: z
    .array(
      z
        .object({ localStorage: z.array(z.object({ value: z.string() }).passthrough()).default([]) })
        .passthrough(),
    )
    .default([]),
});

/**
 * The cookie and local-storage values of a Playwright storage state (JSON),
 * to be scrubbed from what a run prints like other secrets; `[]` when it is
 * not one.
 */
function storageStateValues(content: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return [];
  }
  const state = storageStateSchema.safeParse(json);
  if (!state.success) return [];
  return [
    ...state.data.cookies.map((c) => c.value),
    ...state.data.origins.flatMap((o) => o.localStorage.map((e) => e.value)),
  ].filter((v) => v.length >= 8);
}

/** Mutant runs after the first (all assertions broken at once): one assertion at a time, at most this many. */
const SINGLE_ASSERTION_ROUNDS = 3;
const FIXTURE_PATH = 'assay-verify/mutant-fixture.ts';

interface Declared {
  readonly file: PlaywrightFile;
  readonly fact: TestFact;
  readonly key: string;
  readonly name: string;
}

function declaredTests(files: readonly PlaywrightFile[]): Declared[] {
  return files.flatMap((file) =>
    testsInCode(file.content).map((fact) => ({
      file,
      fact,
      key: testKey(file.path, fact.line),
      name: [...fact.describes, fact.title].join(' \u203a '),
    })),
  );
}

function tidOf(title: string): string | null {
  return extractTids(title, '')[0] ?? null;
}

function resultList(
  declared: readonly Declared[],
  outcomes: ReadonlyMap<string, TestResult['outcome']>,
): TestResult[] {
  return declared.map((d) => ({
    title: d.fact.title,
    tid: tidOf(d.fact.title),
    outcome: outcomes.get(d.key) ?? 'not_run',
  }));
}

function caseIndex(cases: readonly CaseResult[]): Map<string, CaseResult> {
  const out = new Map<string, CaseResult>();
  for (const c of cases) if (!out.has(`${c.file}|${c.name}`)) out.set(`${c.file}|${c.name}`, c);
  return out;
}

/**
 * The mutant check (issue 25, part 2): which of the tests that passed on the
 * app fail on a mutant in which what one of their assertions checks is
 * broken. First run: every breakable assertion of each test broken at once;
 * a test that passes anyway is vacuous; one that fails at a broken
 * assertion's line proves; one that fails elsewhere (an action on an element
 * the mutant removed) is tried again with one assertion broken at a time.
 * Tests without a breakable assertion (`expect(1).toBe(1)`, assertions on
 * values) are vacuous without a run. When a mutant run cannot run or report
 * (no budget left, the runner wrote nothing), the tests it was for are
 * `not_run`: their mutants were not seen.
 */
async function mutantCheck(
  passed: readonly Declared[],
  run: (files: PlaywrightFile[], plan: Record<string, Mutation[]>) => Promise<CaseResult[] | null>,
): Promise<Map<string, TestResult['outcome']>> {
  const outcomes = new Map<string, TestResult['outcome']>();
  const breakable = new Map<string, ReturnType<typeof mutableAssertions>>();
  for (const d of passed) {
    const list = mutableAssertions(d.fact);
    if (list.length === 0) outcomes.set(d.key, 'vacuous');
    else breakable.set(d.key, list);
  }
  let pending = passed.filter((d) => breakable.has(d.key));
  for (let round = 0; round <= SINGLE_ASSERTION_ROUNDS && pending.length > 0; round += 1) {
    const plan: Record<string, Mutation[]> = {};
    const lines = new Map<string, [number, number][]>();
    const tried: Declared[] = [];
    for (const d of pending) {
      const list = breakable.get(d.key) ?? [];
      const chosen = round === 0 ? list : list.slice(round - 1, round);
      if (chosen.length === 0) {
        outcomes.set(d.key, 'vacuous');
        continue;
      }
      plan[d.key] = chosen.map((c) => c.mutation);
      lines.set(
        d.key,
        chosen.map((c) => [c.assertion.line, c.assertion.endLine]),
      );
      tried.push(d);
    }
    if (tried.length === 0) break;
    const files = [...new Map(tried.map((d) => [d.file.path, d.file])).values()];
    const cases = await run(files, plan);
    if (!cases) {
      for (const d of tried) outcomes.set(d.key, 'not_run');
      pending = [];
      break;
    }
    const byName = caseIndex(cases);
    const next: Declared[] = [];
    for (const d of tried) {
      const c = byName.get(`${d.file.path}|${d.name}`);
      if (!c || c.status === 'skipped') continue;
      if (c.status === 'passed') {
        if (round === 0 && (breakable.get(d.key)?.length ?? 0) > 0) outcomes.set(d.key, 'vacuous');
        else next.push(d);
        continue;
      }
      const at = c.failureLine;
      const onAssertion =
        at !== undefined && (lines.get(d.key) ?? []).some(([from, to]) => at >= from && at <= to);
      if (onAssertion) outcomes.set(d.key, 'proving');
      else next.push(d);
    }
    pending = next;
  }
  for (const d of pending) if (!outcomes.has(d.key)) outcomes.set(d.key, 'vacuous');
  return outcomes;
}

/**
 * Verifies generated files; see the module comment. A file that does not
 * type-check, a missing locator, an unreachable or refused app, a failing
 * test: each is reported in the outcome, never thrown. `ran` is false (with
 * `notRunReason`) without a crawl, without `run`, when the start URL is
 * refused by the SSRF rules or not reachable, without Chromium, or when the
 * runner wrote no report; then `junitXml` is null and every test is
 * `not_run`. Counts come from the runner's JUnit report; a file that does not
 * parse is not run (the runner would refuse every file) and the tests it
 * declares are added as failed. Each test that passed is then run against
 * mutants of the app ({@link mutantCheck}): `results` says per test whether
 * it is proving, vacuous, failed or not run, and only a proving test may keep
 * its TID (see `retitle.ts`).
 */
export async function verifyPlaywrightFiles(input: {
  files: readonly PlaywrightFile[];
  crawl: CrawlFacts | null;
  run: VerifyRunSettings | null;
}): Promise<{ outcome: VerifyOutcome; junitXml: string | null }> {
  const started = Date.now();
  const typeErrors = input.files.length > 0 ? typecheckFiles(input.files) : [];
  const codeRefused = input.files.flatMap((f) =>
    codePolicyViolations(f.content).map((violation) => `${f.path}:${violation}`),
  );
  const declared = declaredTests(input.files);
  const base = {
    typecheck: typeErrors.length === 0 ? ('ok' as const) : ('failed' as const),
    typeErrors,
    locatorsMissing: missingLocators(input.files, input.crawl),
    codeRefused,
  };
  const notRun = (reason: string) => ({
    outcome: {
      ...base,
      ran: false,
      notRunReason: reason,
      tests: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      proving: 0,
      vacuous: 0,
      results: resultList(declared, new Map()),
    },
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
  // Files outside the code allow-list are not run either (their tests count as failed, and keep no TID).
  const refused = new Set(
    input.files.filter((f) => codePolicyViolations(f.content).length > 0).map((f) => f.path),
  );
  const runnable = input.files.filter((f) => parses(f.content) && !refused.has(f.path));
  if (runnable.length === 0)
    return notRun('no file parses and keeps to the code allow-list: there is nothing the runner may load');
  const budget = input.run.timeoutMs ?? VERIFY_RUN_TIMEOUT_MS;
  const storageState = input.run.support?.storageState;
  const secrets = [
    ...(input.run.secrets ?? []),
    ...(storageState ? storageStateValues(storageState.content) : []),
  ];
  // The same sandbox, guard, origins and scrubbing for the run on the app and every mutant run.
  const settings = {
    guard,
    chromiumPath,
    isolation: isolation.isolation,
    origins: origins.map((o) => new URL(o).origin),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(input.run.workers ? { workers: input.run.workers } : {}),
    ...(storageState ? { storageState: storageState.path } : {}),
  };
  const support = storageState ? [storageState] : [];
  const run = await runPlaywrightFiles(runnable, {
    ...settings,
    timeoutMs: budget,
    ...(support.length > 0 ? { supportFiles: support } : {}),
  });
  if (!run.junitXml) {
    return notRun(
      run.notRunReason ??
        (run.timedOut
          ? 'the test run timed out'
          : `the test runner wrote no report (exit ${run.exitCode}): ${scrubSecrets(run.output.slice(-500), secrets)}`),
    );
  }
  const counts = await parseJUnit(run.junitXml);
  if (!counts.valid) return notRun(`the test runner's report is not valid JUnit: ${counts.reason}`);
  const onApp = caseIndex(caseResults(run.junitXml));
  const outcomes = new Map<string, TestResult['outcome']>();
  const passedOnApp: Declared[] = [];
  for (const d of declared) {
    const c = onApp.get(`${d.file.path}|${d.name}`);
    // A file that does not parse or is outside the code allow-list is invalid output: its tests failed.
    if (!c) outcomes.set(d.key, parses(d.file.content) && !refused.has(d.file.path) ? 'not_run' : 'failed');
    else if (c.status === 'failed') outcomes.set(d.key, 'failed');
    else if (c.status === 'skipped') outcomes.set(d.key, 'not_run');
    else passedOnApp.push(d);
  }
  if (!run.timedOut) {
    const checked = await mutantCheck(passedOnApp, async (files, plan) => {
      const left = budget - (Date.now() - started);
      if (left < 5_000) return null;
      const mutant = await runPlaywrightFiles(files, {
        ...settings,
        timeoutMs: left,
        supportFiles: [
          ...support,
          { path: FIXTURE_PATH, content: mutantFixtureSource(plan, GUARDED_PLAYWRIGHT_TEST) },
          { path: 'tsconfig.json', content: mutantTsconfig(FIXTURE_PATH) },
        ],
      });
      return mutant.junitXml && !mutant.timedOut ? caseResults(mutant.junitXml) : null;
    });
    for (const [key, outcome] of checked) outcomes.set(key, outcome);
  }
  const results = resultList(declared, outcomes);
  // A file left out or not loaded has no testcase in the report: its declared tests count as failed.
  const unreported = Math.max(0, declared.length - counts.tests);
  return {
    outcome: {
      ...base,
      ran: true,
      ...(run.timedOut ? { notRunReason: 'the test run timed out; the report is partial' } : {}),
      tests: counts.tests + unreported,
      passed: counts.passed,
      failed: counts.failed + counts.errored + unreported,
      skipped: counts.skipped,
      proving: results.filter((r) => r.outcome === 'proving').length,
      vacuous: results.filter((r) => r.outcome === 'vacuous').length,
      results,
    },
    junitXml: run.junitXml,
  };
}
