/**
 * `npm run bench junit`: streaming JUnit parsing of a generated ~50 MB,
 * 200,000-testcase report beside a baseline in the same run —
 * `fast-xml-parser` reading the whole file and parsing it into objects.
 *
 * Each side runs in its own child process, so each peak RSS (`maxRSS`) is that
 * side's alone. The children run plain `node` on an esbuild bundle of this very
 * file (a TypeScript loader in the child would add ~35 MB to both sides and
 * blur the comparison). The sides alternate, three runs each, and the best run
 * of each counts (the machine is shared). Throughput is the file's bytes over
 * the time from opening the file to the last count, in MB (10^6 bytes) per
 * second — over wall time, and over the process's CPU time (user + system, all
 * threads), which other load on the machine disturbs much less.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJUnit, TidSummarizer } from '../shared/reports/junit/index.ts';

const CHILD_FLAG = '--junit-bench-child';
const TESTCASES = 200_000;
const SMALL_TESTCASES = 40_000;
const CASES_PER_SUITE = 500;
const RUNS_PER_SIDE = 3;

/** What a child prints: one JSON line. */
interface Measurement {
  side: 'streaming' | 'baseline' | 'idle';
  bytes: number;
  /** Wall time. */
  ms: number;
  /** CPU time of the whole process (all threads, GC included). */
  cpuMs: number;
  maxRssMb: number;
  tests: number;
  failed: number;
  errored: number;
  skipped: number;
  tids: number;
}

// ---------------------------------------------------------------- generator

function testcaseXml(n: number, suite: number): string {
  const r = n % 100;
  const tid = `T${(n % 997) + 1}`;
  // TIDs in all four places, and untagged tests.
  const naming = n % 5;
  const name =
    naming === 0
      ? `${tid}::rejects input number ${n} with a clear message`
      : naming === 1
        ? `handles case ${n} correctly [${tid}]`
        : `behaves as documented in scenario ${n}`;
  // Like real reports, consecutive cases share a class and a file (20 per class here).
  const feature = Math.floor((n % CASES_PER_SUITE) / 20);
  const classname = naming === 2 ? `assay:${tid}` : `com.example.module${suite}.Feature${feature}Test`;
  const props = naming === 3 ? `\n      <properties><property name="tid" value="${tid}"/></properties>` : '';
  const open = `    <testcase classname="${classname}" name="${name}" time="0.${n % 997}" file="src/module${suite}/feature${feature}.test.ts" line="${(n % 400) + 1}">${props}`;
  if (r < 7) {
    const trace = `AssertionError: expected ${n} to equal ${n + 1}\n    at Object.<anonymous> (src/module${suite}/feature.test.ts:${n % 400}:7)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)\n`;
    const long = r === 0 && n % 3 === 0 ? `${'    at deep.frame (src/lib/deep.ts:1:1)\n'.repeat(150)}` : '';
    return `${open}\n      <failure message="expected ${n} to equal ${n + 1} &lt;diff&gt;" type="AssertionError"><![CDATA[${trace}${long}]]></failure>\n      <system-out>attempt log for ${n}</system-out>\n    </testcase>\n`;
  }
  if (r < 9) {
    return `${open}\n      <error type="TypeError">TypeError: Cannot read properties of undefined (reading 'id') &amp; more\n    at run (src/x.ts:1:1)</error>\n    </testcase>\n`;
  }
  if (r < 14) return `${open}\n      <skipped message="skipped on this platform"/>\n    </testcase>\n`;
  if (r < 16) {
    return `${open}\n      <flakyFailure message="timed out once" type="TimeoutError"><stackTrace>TimeoutError at waitFor</stackTrace><system-out>retry ${n}</system-out></flakyFailure>\n    </testcase>\n`;
  }
  if (r < 30)
    return `${open}\n      <system-out><![CDATA[log line for ${n}: ok]]></system-out>\n    </testcase>\n`;
  return props === '' ? `${open.slice(0, -1)}/>\n` : `${open}\n    </testcase>\n`;
}

/** Writes a JUnit report of `testcases` cases to `path` in 64 KB writes. */
export async function generateReport(path: string, testcases: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string): Promise<void> =>
    new Promise((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
  let buffer = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="999" failures="0">\n';
  for (let suite = 0; suite * CASES_PER_SUITE < testcases; suite++) {
    buffer += `  <testsuite name="com.example.module${suite}" tests="${CASES_PER_SUITE}" time="12.5" timestamp="2025-01-01T00:00:00">\n    <properties><property name="ci" value="true"/></properties>\n`;
    for (let i = 0; i < CASES_PER_SUITE && suite * CASES_PER_SUITE + i < testcases; i++) {
      buffer += testcaseXml(suite * CASES_PER_SUITE + i, suite);
      if (buffer.length > 65_536) {
        await write(buffer);
        buffer = '';
      }
    }
    buffer += '  </testsuite>\n';
  }
  await write(`${buffer}</testsuites>\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

// ------------------------------------------------------------------- sides

/** Starts a wall and CPU stopwatch; calling the result reads both in ms. */
function stopwatch(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

async function measureStreaming(path: string): Promise<Measurement> {
  const elapsed = stopwatch();
  const tids = new TidSummarizer();
  const result = await parseJUnit(createReadStream(path, { highWaterMark: 64 * 1024 }), {
    onTestCase: tids.add,
  });
  const time = elapsed();
  if (!result.valid) throw new Error(`bench report invalid: ${result.reason}`);
  return {
    side: 'streaming',
    bytes: (await stat(path)).size,
    ...time,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    tests: result.tests,
    failed: result.failed,
    errored: result.errored,
    skipped: result.skipped,
    tids: tids.summaries().size,
  };
}

type Node = Record<string, unknown>;
const asArray = (value: unknown): Node[] =>
  value === undefined
    ? []
    : (Array.isArray(value) ? value : [value]).filter((v): v is Node => typeof v === 'object');

async function measureBaseline(path: string): Promise<Measurement> {
  const { XMLParser } = await import('fast-xml-parser');
  const elapsed = stopwatch();
  const text = await readFile(path, 'utf8');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(text) as Node;
  const counts = { tests: 0, failed: 0, errored: 0, skipped: 0 };
  const visit = (suite: Node): void => {
    for (const tc of asArray(suite.testcase)) {
      counts.tests++;
      if ('error' in tc) counts.errored++;
      else if ('failure' in tc) counts.failed++;
      else if ('skipped' in tc) counts.skipped++;
    }
    for (const inner of asArray(suite.testsuite)) visit(inner);
  };
  for (const root of asArray(doc.testsuites)) visit(root);
  const time = elapsed();
  return {
    side: 'baseline',
    bytes: Buffer.byteLength(text),
    ...time,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...counts,
    tids: 0,
  };
}

// ------------------------------------------------------------------ parent

function runChild(bundle: string, side: Measurement['side'], path: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, CHILD_FLAG, side, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${side} child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Measurement);
    });
  });
}

/** Runs the sides alternately; keeps each side's fastest wall and CPU time and its highest RSS. */
async function measureAlternately(
  bundle: string,
  sides: Measurement['side'][],
  path: string,
): Promise<Measurement[]> {
  const runs: Measurement[][] = sides.map(() => []);
  for (let i = 0; i < RUNS_PER_SIDE; i++) {
    for (const [k, side] of sides.entries()) runs[k]?.push(await runChild(bundle, side, path));
  }
  return runs.map((list) => {
    const first = list[0];
    if (first === undefined) throw new Error('no runs');
    return {
      ...first,
      ms: Math.min(...list.map((r) => r.ms)),
      cpuMs: Math.min(...list.map((r) => r.cpuMs)),
      maxRssMb: Math.max(...list.map((r) => r.maxRssMb)),
    };
  });
}

const mbPerSecond = (m: Measurement, time: number): number => m.bytes / 1e6 / (time / 1000);
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

function line(label: string, m: Measurement, idleMb: number): string {
  return (
    `${label.padEnd(32)} ${fmt(m.bytes / 1e6)} MB  ` +
    `wall ${fmt(m.ms, 0).padStart(5)} ms = ${fmt(mbPerSecond(m, m.ms)).padStart(5)} MB/s  ` +
    `CPU ${fmt(m.cpuMs, 0).padStart(5)} ms = ${fmt(mbPerSecond(m, m.cpuMs)).padStart(5)} MB/s  ` +
    `peak RSS ${fmt(m.maxRssMb).padStart(5)} MB (${fmt(m.maxRssMb - idleMb).padStart(5)} above idle)  ` +
    `${m.tests} tests: ${m.failed} failed, ${m.errored} errored, ${m.skipped} skipped`
  );
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** Generates the reports, bundles this file, measures both sides, prints the figures. */
export default async function junitBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-junit-bench-'));
  try {
    const big = join(dir, 'report-200k.xml');
    const small = join(dir, 'report-40k.xml');
    await generateReport(big, TESTCASES);
    await generateReport(small, SMALL_TESTCASES);
    const bundle = join(dir, 'junit-bench.mjs');
    const { build } = await import('esbuild');
    await build({
      entryPoints: [fileURLToPath(import.meta.url)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile: bundle,
      external: ['esbuild'],
      logLevel: 'error',
    });

    const idle = await runChild(bundle, 'idle', big);
    const [streaming, baseline] = await measureAlternately(bundle, ['streaming', 'baseline'], big);
    const [streamingSmall] = await measureAlternately(bundle, ['streaming'], small);
    if (streaming === undefined || baseline === undefined || streamingSmall === undefined)
      throw new Error('no runs');
    for (const key of ['tests', 'failed', 'errored', 'skipped'] as const) {
      if (streaming[key] !== baseline[key]) {
        throw new Error(`sides disagree on ${key}: ${streaming[key]} vs ${baseline[key]}`);
      }
    }
    const idleMb = idle.maxRssMb;
    console.log(
      `machine load (1/5/15 min) ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')} on ${availableParallelism()} cores`,
    );
    console.log(`idle node child (the bundle loaded, nothing parsed): peak RSS ${fmt(idleMb)} MB`);
    console.log(line('streaming parseJUnit', streaming, idleMb));
    console.log(line('baseline fast-xml-parser (DOM)', baseline, idleMb));
    console.log(line('streaming, 1/5 of the report', streamingSmall, idleMb));
    const wall = baseline.ms / streaming.ms;
    const cpu = baseline.cpuMs / streaming.cpuMs;
    const rss = streaming.maxRssMb / baseline.maxRssMb;
    const rssAbove = (streaming.maxRssMb - idleMb) / (baseline.maxRssMb - idleMb);
    console.log(
      `throughput: ${fmt(wall, 2)}× baseline on wall time, ${fmt(cpu, 2)}× on CPU time (goal ≥ 2×: ` +
        `${verdict(wall >= 2)} / ${verdict(cpu >= 2)})`,
    );
    console.log(
      `peak RSS: ${fmt(rss, 3)} of baseline, ${fmt(rssAbove, 3)} above the idle process (goal ≤ 0.25: ` +
        `${verdict(rss <= 0.25)} / ${verdict(rssAbove <= 0.25)}); 1/5 of the report peaks at ` +
        `${fmt(streamingSmall.maxRssMb)} MB vs ${fmt(streaming.maxRssMb)} MB; ${streaming.tids} TIDs rolled up`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function measureIdle(): Measurement {
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    side: 'idle',
    bytes: 0,
    ms: 0,
    cpuMs: 0,
    maxRssMb,
    tests: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    tids: 0,
  };
}

async function child(side: string, path: string): Promise<void> {
  const m =
    side === 'baseline'
      ? await measureBaseline(path)
      : side === 'idle'
        ? measureIdle()
        : await measureStreaming(path);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

if (process.argv[2] === CHILD_FLAG) await child(process.argv[3] ?? '', process.argv[4] ?? '');
