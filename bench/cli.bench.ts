/**
 * `npm run bench cli`: the `assay` CLI as `npx assay` runs it — the installed
 * bin on the pinned Node (`node bin/assay.js …`), whole process, wall time and
 * peak RSS from GNU time — beside baselines in the same run:
 *
 * - `assay --help` and `assay upload --help` against a bare `node -e 0` (goal: < 0.3 s above it);
 * - `assay report` on a generated ~50 MB, 200,000-testcase JUnit file against
 *   a fresh Node parsing the same file whole with fast-xml-parser (goal: ≥ 2×
 *   faster, at ≤ 0.25× its peak RSS).
 *
 * The CLI is rebuilt first (`scripts/build-cli.ts`), so the figures are the
 * current source's. Each command runs `RUNS` times, the sides alternating (the
 * machine is shared); the median of each counts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli } from '../scripts/build-cli.ts';
import { generateReport } from './junit.bench.ts';

const RUNS = 5;
const TESTCASES = 200_000;
const root = join(import.meta.dirname, '..');
const TIME = '/usr/bin/time';

interface Run {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs `args` on the pinned Node under GNU time: wall seconds and peak RSS of the whole process. */
function measure(args: string[]): Run {
  const result = spawnSync(TIME, ['-f', '%e %M', process.execPath, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const line = result.stderr.trim().split('\n').at(-1) ?? '';
  const [seconds, kb] = line.split(' ').map(Number);
  if (seconds === undefined || kb === undefined || Number.isNaN(seconds) || Number.isNaN(kb)) {
    throw new Error(`cannot read GNU time's output: ${line}`);
  }
  return { seconds, maxRssMb: kb / 1024, stdout: result.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs each named command `RUNS` times, alternating; medians of wall time and peak RSS per command. */
function alternate(
  commands: Record<string, string[]>,
): Record<string, { seconds: number; maxRssMb: number }> {
  const runs: Record<string, Run[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(commands)) runs[name]?.push(measure(args));
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [
      name,
      { seconds: median(list.map((r) => r.seconds)), maxRssMb: median(list.map((r) => r.maxRssMb)) },
    ]),
  );
}

const baselineSource = (fxpUrl: string) => `
import { readFileSync } from 'node:fs';
import fxp from '${fxpUrl}';
const text = readFileSync(process.argv[2], 'utf8');
const doc = new fxp.XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(text);
const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
let tests = 0;
const visit = (suite) => { tests += list(suite.testcase).length; for (const inner of list(suite.testsuite)) visit(inner); };
for (const r of list(doc.testsuites)) visit(r);
console.log(JSON.stringify({ tests }));
`;

export default async function bench(): Promise<void> {
  if (!existsSync(TIME)) {
    console.log(`skipped: ${TIME} (GNU time) is needed to read each process's peak RSS`);
    return;
  }
  await buildCli();
  const dir = await mkdtemp(join(tmpdir(), 'assay-cli-bench-'));
  try {
    const report = join(dir, 'junit.xml');
    await generateReport(report, TESTCASES);
    const bytes = (await stat(report)).size;
    const baseline = join(dir, 'fxp-baseline.mjs');
    const fxpUrl = pathToFileURL(createRequire(join(root, 'package.json')).resolve('fast-xml-parser')).href;
    await writeFile(baseline, baselineSource(fxpUrl));

    // Check both sides count the same before timing them.
    const cliOut = JSON.parse(measure(['bin/assay.js', 'report', report]).stdout) as { tests: number };
    const fxpOut = JSON.parse(measure([baseline, report]).stdout) as { tests: number };
    if (cliOut.tests !== TESTCASES || fxpOut.tests !== TESTCASES) {
      throw new Error(`counts differ: assay ${cliOut.tests}, fast-xml-parser ${fxpOut.tests}`);
    }

    const r = alternate({
      node: ['-e', '0'],
      help: ['bin/assay.js', '--help'],
      uploadHelp: ['bin/assay.js', 'upload', '--help'],
      report: ['bin/assay.js', 'report', report],
      fxp: [baseline, report],
    });
    const s = (x: number) => `${x.toFixed(2)} s`;
    const mb = (x: number) => `${x.toFixed(1)} MB`;
    const node = r.node!;
    const help = r.help!;
    const uploadHelp = r.uploadHelp!;
    const cli = r.report!;
    const fxp = r.fxp!;
    console.log(
      `Node ${process.version}; medians of ${RUNS} runs each, alternating; whole processes; ` +
        `machine load (1/5/15 min) ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' / ')} on ${availableParallelism()} cores`,
    );
    console.log(`node -e 0                      ${s(node.seconds)}  ${mb(node.maxRssMb)}`);
    console.log(`assay --help                   ${s(help.seconds)}  ${mb(help.maxRssMb)}`);
    console.log(
      `  above bare node: ${s(help.seconds - node.seconds)} (goal < 0.30 s) ${help.seconds - node.seconds < 0.3 ? 'met' : 'MISSED'}`,
    );
    console.log(`assay upload --help            ${s(uploadHelp.seconds)}  ${mb(uploadHelp.maxRssMb)}`);
    console.log(
      `  above bare node: ${s(uploadHelp.seconds - node.seconds)} (goal < 0.30 s) ${uploadHelp.seconds - node.seconds < 0.3 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `assay report (${(bytes / 1e6).toFixed(1)} MB, ${TESTCASES} cases)   ${s(cli.seconds)}  ${mb(cli.maxRssMb)}`,
    );
    console.log(`fast-xml-parser whole document ${s(fxp.seconds)}  ${mb(fxp.maxRssMb)}`);
    const speed = fxp.seconds / cli.seconds;
    const memory = cli.maxRssMb / fxp.maxRssMb;
    console.log(`  speed: ${speed.toFixed(2)}× faster (goal ≥ 2) ${speed >= 2 ? 'met' : 'MISSED'}`);
    console.log(`  peak RSS: ${memory.toFixed(3)}× (goal ≤ 0.25) ${memory <= 0.25 ? 'met' : 'MISSED'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
