/**
 * `npm run bench manifest`: building a PR manifest (SPEC §3) for a generated
 * pull request of 3,000 files and 100,000 changed lines (TS, Python, Go and
 * Java code lines, 2–3 hunks per file, some TID-tagged tests) —
 * `analyzeDiff` + `buildManifestEntries` for 20 checklist items — beside two
 * references in the same run:
 * - baseline: splitting every patch into lines and counting `+`/`-` lines;
 * - parse-diff: `parse-diff` on every patch (headers added), counting changes.
 *
 * Each side runs in its own child process (`node --import tsx`), so each peak
 * RSS is that side's alone (the loader adds the same to all sides). A child
 * generates the input, collects garbage, notes RSS, then runs its side three
 * times (collecting garbage between runs, outside the timing); it reports
 * the first (cold) and best wall time, peak RSS (`maxRSS`), the RSS growth
 * over the pre-run RSS, and the heap used with the last result still held.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import parseDiff from 'parse-diff';
import { buildManifestEntries } from '../shared/manifests/build-manifest.ts';
import { analyzeDiff, type ChangedFile } from '../shared/manifests/diff.ts';

const CHILD_FLAG = '--manifest-bench-child';
const FILES = 3_000;
const CHANGED_LINES = 100_000;
const RUNS = 3;
const GOAL_MS = 2_000;
type Side = 'baseline' | 'parse-diff' | 'manifest';

interface Measurement {
  side: Side;
  coldMs: number;
  bestMs: number;
  maxRssMb: number;
  rssDeltaMb: number;
  heapUsedMb: number;
  check: number;
}

const WORDS = (
  'user account email password token session invoice payment order cart product price discount tax ' +
  'address shipping report export import search filter page limit cursor cache queue retry webhook ' +
  'signature tenant member role permission audit event notification template theme locale date ' +
  'upload file image thumbnail quota plan subscription coupon refund ledger balance'
).split(' ');
const VERBS =
  'get set load save create update delete validate parse format build send fetch sync check'.split(' ');

let seed = 42;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);

function codeLine(lang: string): string {
  const a = pick(WORDS);
  const b = pick(WORDS);
  const v = pick(VERBS);
  switch (lang) {
    case 'py':
      return pick([
        `    ${a}_${b} = self.${v}_${a}(${b}_id, limit=${rand(100)})`,
        `    if not ${a}.${b}:`,
        `        raise ${cap(a)}Error("invalid ${a} ${b}")`,
        `def ${v}_${a}_${b}(${a}: ${cap(a)}, ${b}: str) -> ${cap(b)}:`,
        `    return [${b} for ${b} in ${a}.${b}s if ${b}.active]`,
      ]);
    case 'go':
      return pick([
        `\t${a}${cap(b)}, err := s.${v}${cap(a)}(ctx, ${b}ID)`,
        '\tif err != nil {',
        `\t\treturn nil, fmt.Errorf("${v} ${a}: %w", err)`,
        `func (s *${cap(a)}Service) ${cap(v)}${cap(b)}(ctx context.Context, id string) (*${cap(b)}, error) {`,
        '\t}',
      ]);
    case 'java':
      return pick([
        `    private final ${cap(a)}Repository ${a}Repository;`,
        `    public ${cap(b)} ${v}${cap(a)}(${cap(a)}Request request) {`,
        `        ${cap(b)} ${b} = ${a}Repository.findBy${cap(b)}Id(request.get${cap(b)}Id());`,
        `        log.info("${v} ${a} {}", ${b}.getId());`,
        '    }',
      ]);
    default:
      return pick([
        `  const ${a}${cap(b)} = await this.${v}${cap(a)}(${b}Id, { limit: ${rand(100)} });`,
        `  if (!${a}.${b}) throw new ${cap(a)}Error('invalid ${a} ${b}');`,
        `export function ${v}${cap(a)}${cap(b)}(${a}: ${cap(a)}, ${b}: string): ${cap(b)} {`,
        `  return ${a}.${b}s.filter((${b}) => ${b}.active).map(to${cap(b)});`,
        '  }',
      ]);
  }
}

const LANGS: readonly [string, string][] = [
  ['ts', 'packages/app/src'],
  ['py', 'services/api/app'],
  ['go', 'internal'],
  ['java', 'core/src/main/java/com/acme'],
];

/** A deterministic 3,000-file, 100,000-changed-line pull request. */
export function generatePull(): ChangedFile[] {
  seed = 42;
  const files: ChangedFile[] = [];
  for (let i = 0; i < FILES; i++) {
    const [lang, root] = LANGS[i % LANGS.length]!;
    const changed = Math.floor(CHANGED_LINES / FILES) + (i < CHANGED_LINES % FILES ? 1 : 0);
    const isTest = i % 10 === 0;
    const name = `${pick(WORDS)}_${pick(WORDS)}${i}`;
    const filename =
      isTest && lang === 'ts'
        ? `${root}/${pick(WORDS)}/${name}.test.ts`
        : `${root}/${pick(WORDS)}/${name}.${lang}`;
    const lines: string[] = [];
    let additions = 0;
    let deletions = 0;
    const hunks = 2 + (i % 2);
    let oldStart = 10;
    for (let h = 0; h < hunks; h++) {
      const n = Math.floor(changed / hunks) + (h < changed % hunks ? 1 : 0);
      const del = Math.floor(n / 4);
      const body: string[] = [codeLine(lang), codeLine(lang), codeLine(lang)].map((l) => ` ${l}`);
      for (let k = 0; k < del; k++) body.push(`-${codeLine(lang)}`);
      for (let k = 0; k < n - del; k++) {
        const tagged =
          isTest && k === 0
            ? `  it('T${1 + (i % 20)}::${pick(VERBS)}s the ${pick(WORDS)}', () => {`
            : codeLine(lang);
        body.push(`+${tagged}`);
      }
      body.push(` ${codeLine(lang)}`);
      const newStart = oldStart + additions - deletions;
      lines.push(
        `@@ -${oldStart},${4 + del} +${newStart},${4 + n - del} @@ class ${cap(pick(WORDS))} {`,
        ...body,
      );
      additions += n - del;
      deletions += del;
      oldStart += 40;
    }
    files.push({
      filename,
      status: i % 50 === 0 ? 'added' : 'modified',
      additions,
      deletions,
      patch: lines.join('\n'),
    });
  }
  return files;
}

const ITEMS = [
  'The signup form rejects an invalid email address',
  'Users can reset their password with a token sent by email',
  'Expired session tokens log the user out',
  'Invoices show the tax and the discount',
  'A refund updates the ledger balance',
  'Search results can be filtered by date',
  'Pagination uses a cursor and a page limit',
  'Failed webhooks are retried with backoff',
  'Webhook signatures are validated',
  'Members without the admin role cannot change permissions',
  'Every permission change is written to the audit log',
  'Notifications use the tenant locale',
  'Uploads over the quota are rejected',
  'Thumbnails are generated for uploaded images',
  'Coupons cannot be applied twice to one order',
  'The cart total includes shipping',
  'Subscriptions can switch plans mid-cycle',
  'Reports export to CSV',
  'The dark theme is remembered',
  'Product prices are cached for a minute',
];

function runSide(side: Side, files: readonly ChangedFile[]): number {
  if (side === 'baseline') {
    let n = 0;
    for (const f of files) {
      for (const line of (f.patch ?? '').split('\n')) if (line.startsWith('+') || line.startsWith('-')) n++;
    }
    return n;
  }
  if (side === 'parse-diff') {
    let n = 0;
    for (const f of files) {
      for (const parsed of parseDiff(`--- a/${f.filename}\n+++ b/${f.filename}\n${f.patch ?? ''}`)) {
        n += parsed.additions + parsed.deletions;
      }
    }
    return n;
  }
  const analysis = analyzeDiff(files);
  const items = ITEMS.map((text, k) => ({
    issue: { owner: 'acme', repo: 'web', number: 7 },
    tid: k + 1,
    text,
  }));
  const entries = buildManifestEntries(
    items,
    analysis,
    files.map((f) => f.filename),
  );
  held = entries;
  return entries.reduce((s, e) => s + e.existingTests.length, 0) + analysis.identifiers.size;
}

let held: unknown;
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function child(side: Side): void {
  const files = generatePull();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  let check = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    check = runSide(side, files);
    times.push(performance.now() - t0);
    if (r < RUNS - 1) {
      held = undefined;
      gc?.();
    }
  }
  const m: Measurement = {
    side,
    coldMs: Math.round(times[0]!),
    bestMs: Math.round(Math.min(...times)),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    rssDeltaMb: mb(Math.max(0, process.resourceUsage().maxRSS * 1024 - rssBefore)),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    check,
  };
  void held;
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function spawnSide(side: Side): Promise<Measurement> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, CHILD_FLAG, side], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${side} child failed (${code}): ${out}`));
      else resolve(JSON.parse(line) as Measurement);
    });
  });
}

/** Runs the three sides in child processes and prints the figures and ratios. */
export default async function run(): Promise<void> {
  const files = generatePull();
  const lines = files.reduce((s, f) => s + f.additions + f.deletions, 0);
  const bytes = files.reduce((s, f) => s + (f.patch?.length ?? 0), 0);
  console.log(
    `input: ${files.length} files, ${lines} changed lines, ${mb(bytes)} MB of patches; ${ITEMS.length} items`,
  );
  const results: Measurement[] = [];
  for (const side of ['baseline', 'parse-diff', 'manifest'] as const) results.push(await spawnSide(side));
  const base = results[0]!;
  console.log('side        cold ms  best ms  peak RSS MB  RSS Δ MB  heap used MB  ×time(best)  ×RSS Δ');
  for (const r of results) {
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(1) : '-');
    console.log(
      `${r.side.padEnd(11)} ${String(r.coldMs).padStart(7)}  ${String(r.bestMs).padStart(7)}  ${String(r.maxRssMb).padStart(11)}  ${String(r.rssDeltaMb).padStart(8)}  ${String(r.heapUsedMb).padStart(12)}  ${ratio(r.bestMs, base.bestMs).padStart(11)}  ${ratio(r.rssDeltaMb, base.rssDeltaMb).padStart(6)}`,
    );
  }
  const manifest = results[2]!;
  console.log(
    `manifest: cold ${manifest.coldMs} ms (goal < ${GOAL_MS} ms: ${manifest.coldMs < GOAL_MS ? 'met' : 'MISSED'}), peak RSS ${manifest.maxRssMb} MB`,
  );
}

if (process.argv[2] === CHILD_FLAG) child(process.argv[3] as Side);
