/**
 * `npm run bench analytics`: test analytics at volume (issue 19). Ingests
 * `ASSAY_BENCH_ANALYTICS_REPORTS` JUnit reports (default 1,000) of
 * `ASSAY_BENCH_ANALYTICS_TESTS` tests each (default 500) through the real
 * report path (`handleUploadedObject`: streaming parse, batched result
 * inserts, counters and flaky detection when the upload is claimed) into a
 * fresh embedded PGlite, then rolls up and reads.
 *
 * Figures: results ingested per second, storage per result (table and index
 * bytes of the analytics tables over the results), heap after a full GC
 * sampled along the ingest (flat = bounded memory), and the latency (p50,
 * p99) of a repository's `metrics` and of `tests?flaky` afterwards, called
 * through their services (the HTTP layer adds the same small constant to
 * every route).
 *
 * Baselines in the same run: every tenth report is also ingested as an
 * identical twin through the path as it was before issue 19 (parse, keep the
 * TID-tagged tests as JSON on the upload, no per-result rows) — the ingest
 * ratio is the cost of keeping every result; and a `count(*)` over the raw
 * results stands for what a metrics read scanning them would cost.
 *
 * The reports: one SHA per report on `main` or a pull-request branch, every
 * tenth report a re-run of the previous SHA (where the flaky tests flip);
 * 2% of the tests fail steadily, 1% flip between runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { buildCli } from '../scripts/build-cli.ts';
import { repositoryMetrics } from '../shared/analytics/metrics.service.ts';
import { rollupAll } from '../shared/analytics/rollup.service.ts';
import { listTests } from '../shared/analytics/tests.service.ts';
import type { Database } from '../shared/db/database.ts';
import { withSystem, withTenant } from '../shared/db/tenant.ts';
import { readJUnitResults } from '../shared/validation/junit-results.ts';
import { handleUploadedObject } from '../shared/validation/report-intake.service.ts';
import { generateReport } from './junit.bench.ts';
import { openDatabase } from './support/database.ts';

const REPORTS = Number(process.env.ASSAY_BENCH_ANALYTICS_REPORTS ?? 200);
/** Report sizes of the single-report ingest figures (issue 31). */
const SIZES = (process.env.ASSAY_BENCH_ANALYTICS_SIZES ?? '1000,10000,50000').split(',').map(Number);
const SIZE_RUNS = 3;
const TESTS = Number(process.env.ASSAY_BENCH_ANALYTICS_TESTS ?? 500);
const BASELINE_EVERY = 10;
const READS = 50;

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mb = (bytes: number) => bytes / 1024 / 1024;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function latencies(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Report `r` of run `attempt`: TESTS cases, a few steady failures, flaky ones flipping with the run. */
function report(r: number, attempt: number): string {
  const cases: string[] = [];
  for (let t = 0; t < TESTS; t++) {
    const tid = t % 10 === 0 ? `T${(t % 50) + 1}::` : '';
    const name = `${tid}module ${t % 25} behaves as documented in case ${t}`;
    const open = `<testcase classname="com.example.Module${t % 25}Test" name="${name}" time="0.${(t * 37 + r) % 997}"`;
    const steadyFailure = t % 50 === 7;
    const flaky = t % 100 === 3 && (r + attempt) % 2 === 0;
    cases.push(
      steadyFailure || flaky
        ? `${open} file="src/module${t % 25}.test.ts" line="${(t % 300) + 1}"><failure message="expected true">AssertionError</failure></testcase>`
        : `${open}/>`,
    );
  }
  return `<?xml version="1.0"?>\n<testsuites><testsuite name="bench">${cases.join('')}</testsuite></testsuites>\n`;
}

async function seed(db: Kysely<Database>): Promise<{ orgId: string; repositoryId: string }> {
  return withSystem(db, async (trx) => {
    const org = await trx
      .insertInto('orgs')
      .values({ login: 'bench', github_account_id: 515151, account_type: 'Organization' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('installations').values({ id: 515151, org_id: org.id }).execute();
    const repo = await trx
      .insertInto('repositories')
      .values({
        org_id: org.id,
        installation_id: 515151,
        github_id: 515151,
        owner: 'bench',
        name: 'app',
        full_name: 'bench/app',
        private: true,
        default_branch: 'main',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { orgId: org.id, repositoryId: repo.id };
  });
}

/** Issues an upload for run `runId` of `sha` (as `POST /ci/uploads` does); returns its key. */
async function issue(
  db: Kysely<Database>,
  target: { orgId: string; repositoryId: string },
  runId: string,
  sha: string,
  ref: string,
): Promise<string> {
  const key = `orgs/bench/repos/app/runs/${runId}/junit/report.xml`;
  await withTenant(db, target.orgId, async (trx) => {
    const run = await trx
      .insertInto('ci_runs')
      .values({
        org_id: target.orgId,
        repository_id: target.repositoryId,
        run_id: runId,
        head_sha: sha,
        auth_kind: 'upload_token',
        ref,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ci_uploads')
      .values({
        org_id: target.orgId,
        ci_run_id: run.id,
        kind: 'junit',
        object_key: key,
        content_type: 'application/xml',
        expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
  });
  return key;
}

/** The report path before issue 19: parse, keep the tagged tests as JSON with the upload. */
async function ingestBefore(db: Kysely<Database>, orgId: string, key: string, xml: string): Promise<void> {
  const { result, stored } = await readJUnitResults(Readable.from([xml]));
  if (!result.valid) throw new Error(result.reason);
  await withTenant(db, orgId, (trx) =>
    trx
      .updateTable('ci_uploads')
      .set({
        status: 'processed',
        counts: JSON.stringify({ tests: result.tests }),
        results: JSON.stringify(stored),
        processed_at: new Date(),
      })
      .where('object_key', '=', key)
      .where('status', '=', 'issued')
      .execute(),
  );
}

/** Wall seconds of `node bin/assay.js report <file>`: the CLI parsing the same file, whole process. */
function cliReportSeconds(file: string): number {
  const root = join(import.meta.dirname, '..');
  const t = performance.now();
  const result = spawnSync(process.execPath, ['bin/assay.js', 'report', file], {
    cwd: root,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t) / 1000;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`assay report exited ${result.status}: ${result.stderr}`);
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * One report of `n` results, from the object-created event to the upload
 * processed (streaming parse, set-based result writes, counters, flaky
 * detection, today's rollup), against `assay report` on the same file
 * (whole process) — medians of {@link SIZE_RUNS} alternating runs, each
 * ingest into a repository that already knows the tests (a second report of
 * the same suite: the steady state), over pg on TCP to PGlite's socket server
 * (the runtime's own path).
 */
async function sizedIngest(dir: string): Promise<string[]> {
  await buildCli();
  const lines: string[] = [];
  for (const n of SIZES) {
    const { db, close } = await openDatabase(join(dir, `sized-${n}`));
    try {
      const target = await seed(db);
      const file = join(dir, `report-${n}.xml`);
      await generateReport(file, n);
      const xml = readFileSync(file, 'utf8');
      const deps = {
        db,
        openObject: async () => ({ body: Readable.from([xml]), etag: null }),
        deleteObject: async () => {},
        maxBytes: 200 * 1024 * 1024,
        log: () => {},
      };
      const ingest: number[] = [];
      const cli: number[] = [];
      const gc = (globalThis as { gc?: () => void }).gc;
      const heap: number[] = [];
      for (let run = 0; run <= SIZE_RUNS; run++) {
        const key = await issue(
          db,
          target,
          `sized-${n}-${run}`,
          run.toString(16).padStart(40, 'a'),
          'refs/heads/main',
        );
        const t = performance.now();
        const outcome = await handleUploadedObject(deps, {
          eventName: 'ObjectCreated:Put',
          s3: { object: { key, size: xml.length } },
        });
        const seconds = (performance.now() - t) / 1000;
        if (outcome.status !== 'processed') throw new Error(`report of ${n}: ${outcome.status}`);
        gc?.();
        heap.push(process.memoryUsage().heapUsed);
        // The first run creates the identities (a repository's first report); the rest are the steady state.
        if (run === 0) continue;
        ingest.push(seconds);
        cli.push(cliReportSeconds(file));
      }
      const i = median(ingest);
      const c = median(cli);
      lines.push(
        `${String(n).padStart(6)} results  ingest ${fmt(i, 2)} s (${fmt(n / i, 0)} results/s) · assay report ${fmt(c, 2)} s · ratio ${fmt(i / c, 2)}× (goal ≤ 5) · heap after GC ${heap.map((h) => fmt(mb(h), 0)).join(' ')} MB`,
      );
      console.log(lines.at(-1));
    } finally {
      await close();
    }
  }
  return lines;
}

export default async function analyticsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-analytics-'));
  console.log('one report, object-created event → processed, over pg on TCP (PGlite socket server):');
  const sized = await sizedIngest(dir);
  const { db, close } = await openDatabase(dir);
  try {
    const target = await seed(db);
    const sha = (n: number) => n.toString(16).padStart(40, '0');
    const deps = {
      db,
      openObject: async (key: string) => {
        const xml = pending.get(key);
        if (xml === undefined) throw new Error(`no object ${key}`);
        return { body: Readable.from([xml]), etag: null };
      },
      deleteObject: async () => {},
      maxBytes: 100 * 1024 * 1024,
      log: () => {},
    };
    const pending = new Map<string, string>();
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap: number[] = [];
    let ingestMs = 0;
    let baselineMs = 0;
    let baselineReports = 0;
    let results = 0;
    let commit = 0;
    console.log(`ingesting ${REPORTS} reports × ${TESTS} tests …`);
    for (let r = 0; r < REPORTS; r++) {
      const rerun = r % 10 === 9;
      if (!rerun) commit += 1;
      const ref = commit % 3 === 0 ? 'refs/heads/main' : `refs/heads/feature-${commit % 40}`;
      const xml = report(commit, rerun ? 1 : 0);
      const key = await issue(db, target, `run-${r}`, sha(commit), ref);
      pending.set(key, xml);
      const t = performance.now();
      const outcome = await handleUploadedObject(deps, {
        eventName: 'ObjectCreated:Put',
        s3: { object: { key, size: xml.length } },
      });
      ingestMs += performance.now() - t;
      pending.delete(key);
      if (outcome.status !== 'processed') throw new Error(`report ${r}: ${outcome.status}`);
      results += TESTS;
      if (r % BASELINE_EVERY === 0) {
        const twin = await issue(db, target, `twin-${r}`, sha(10_000_000 + r), ref);
        const b = performance.now();
        await ingestBefore(db, target.orgId, twin, xml);
        baselineMs += performance.now() - b;
        baselineReports += 1;
      }
      if (r % Math.max(1, Math.floor(REPORTS / 20)) === 0 || r === REPORTS - 1) {
        gc?.();
        heap.push(process.memoryUsage().heapUsed);
      }
      if (r > 0 && r % 100 === 0)
        console.log(`  ${r} reports, ${fmt(results / (ingestMs / 1000), 0)} results/s so far`);
    }
    const perReport = ingestMs / REPORTS;
    const perBaseline = baselineMs / baselineReports;
    const sizes = await sql<{ bytes: string }>`
      select sum(pg_total_relation_size(c.oid))::bigint as bytes from pg_class c
      where c.relname in ('test_results', 'test_cases', 'test_daily', 'test_flaky_shas')`.execute(db);
    const resultsOnly = await sql<{
      bytes: string;
    }>`select pg_total_relation_size('test_results')::bigint as bytes`.execute(db);
    const bytes = Number(sizes.rows[0]?.bytes ?? 0);

    const rollupStart = performance.now();
    const rolled = await rollupAll(db);
    const rollupMs = performance.now() - rollupStart;
    const params = { owner: 'bench', repo: 'app' };
    const metrics = await latencies(READS, () => repositoryMetrics(db, target.orgId, params, {}));
    const flakyList = await latencies(READS, () =>
      listTests(db, target.orgId, params, { flaky: true, limit: 50 }, 14),
    );
    const flakyCount = (await listTests(db, target.orgId, params, { flaky: true, limit: 200 }, 14)).tests
      .length;
    const scan = await latencies(5, () =>
      withTenant(db, target.orgId, (trx) =>
        sql`select count(*), avg(duration_ms) from test_results`.execute(trx),
      ),
    );

    console.log(
      [
        '',
        ...sized,
        `reports × tests         ${REPORTS} × ${TESTS} = ${results.toLocaleString('en')} results (PGlite, one connection)`,
        `ingest                  ${fmt(results / (ingestMs / 1000), 0)} results/s · ${fmt(perReport)} ms per report (${fmt(ingestMs / 1000)} s)`,
        `baseline (pre-#19 path) ${fmt((TESTS / perBaseline) * 1000, 0)} results/s · ${fmt(perBaseline)} ms per report (${baselineReports} twins) → keeping every result costs ${fmt(perReport / perBaseline, 2)}× the old path`,
        `storage                 ${fmt(bytes / results, 0)} bytes per result, indexes included (${fmt(mb(bytes))} MB; test_results alone ${fmt(Number(resultsOnly.rows[0]?.bytes ?? 0) / results, 0)} B/result)`,
        `heap after GC           ${heap.map((h) => fmt(mb(h), 0)).join(' ')} MB (${heap.length} samples along the ingest${gc ? '' : '; no --expose-gc'})`,
        `rollup                  ${fmt(rollupMs / 1000, 2)} s for ${rolled.days} repository-day(s)`,
        `metrics                 p50 ${fmt(metrics.p50)} ms · p99 ${fmt(metrics.p99)} ms (${READS} reads)`,
        `tests?flaky             p50 ${fmt(flakyList.p50)} ms · p99 ${fmt(flakyList.p99)} ms (${flakyCount} flaky tests)`,
        `baseline: raw scan      p50 ${fmt(scan.p50)} ms (count and average over every result) → metrics at ${fmt(metrics.p50 / scan.p50, 3)}×, tests?flaky at ${fmt(flakyList.p50 / scan.p50, 3)}×`,
      ].join('\n'),
    );
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}
