/**
 * `npm run bench checklist`: the acceptance-criteria extractor (SPEC §2).
 *
 * 1. Quality on the issue corpus (`test/fixtures/issues/`): precision and
 *    recall of the extracted items against the expected ones (normalized
 *    exact-or-fuzzy, one-to-one), per-file misses, and — as a baseline in the
 *    same run — a naive extractor that takes every list item, else every line.
 * 2. Throughput on a generated 1 MB issue body and a 10,000-item task list
 *    (and on worst-case inputs: deep nesting, emphasis and bracket runs, where
 *    no baseline parse finishes in reasonable time), and TID matching of a
 *    200-item checklist edit beside exact matching only,
 *    beside a baseline: one plain `fromMarkdown` + GFM parse of the whole input
 *    (no size cap, no chunking, no extraction). Best of three runs each (the
 *    machine is shared); wall time and process CPU time.
 */
import { fileURLToPath } from 'node:url';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { loadCorpus } from '../shared/checklists/extract/corpus.ts';
import {
  type CaseEvaluation,
  DEFAULT_LIMITS,
  type ExtractionResult,
  evaluateCase,
  evaluateCorpus,
  extractCriteria,
} from '../shared/checklists/extract/index.ts';
import { ownText } from '../shared/checklists/extract/lists.ts';
import { renderLines } from '../shared/checklists/extract/render.ts';
import { matchItems } from '../shared/checklists/similarity/match-items.ts';
import { normalizeText } from '../shared/checklists/similarity/normalize.ts';

const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/issues/', import.meta.url));
const RUNS = 3;
const GOAL = 0.95;

/** Naive baseline: every list item anywhere at top level; if there is none, every paragraph line. */
function naiveExtract(body: string): string[] {
  const root = fromMarkdown(body, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const items = root.children.flatMap((n) => (n.type === 'list' ? n.children.map(ownText) : []));
  if (items.length > 0) return items;
  return root.children.flatMap((n) =>
    n.type === 'paragraph' ? renderLines(n.children).map((l) => l.text) : [],
  );
}

function fmt(x: number): string {
  return x.toFixed(3);
}

function reportQuality(): void {
  const corpus = loadCorpus(CORPUS_DIR);
  const evaluations: CaseEvaluation[] = [];
  const baseline: CaseEvaluation[] = [];
  const misses: string[] = [];
  let extractedCount = 0;
  for (const c of corpus) {
    const texts = extractCriteria({ title: c.title, body: c.body }).items.map((i) => i.text);
    extractedCount += texts.length;
    const e = evaluateCase(texts, c.expected);
    evaluations.push(e);
    baseline.push(evaluateCase(naiveExtract(c.body), c.expected));
    if (e.missed.length > 0 || e.unexpected.length > 0) {
      misses.push(`  ${c.name}`);
      for (const m of e.missed) misses.push(`    missed:     ${JSON.stringify(m)}`);
      for (const u of e.unexpected) misses.push(`    unexpected: ${JSON.stringify(u)}`);
    }
  }
  const total = evaluateCorpus(evaluations);
  const naive = evaluateCorpus(baseline);
  const expectedCount = corpus.reduce((n, c) => n + c.expected.length, 0);
  const ok = total.precision >= GOAL && total.recall >= GOAL ? 'goal met' : 'BELOW GOAL';
  console.log(
    `corpus: ${corpus.length} issues, ${expectedCount} expected items, ${extractedCount} extracted`,
  );
  console.log(
    `extractor: precision ${fmt(total.precision)}  recall ${fmt(total.recall)}  f1 ${fmt(total.f1)}  ` +
      `(TP ${total.truePositives}, FP ${total.falsePositives}, FN ${total.falseNegatives}) — ${ok} (≥ ${GOAL})`,
  );
  console.log(
    `baseline (every list item, else every line): precision ${fmt(naive.precision)}  recall ${fmt(naive.recall)}  f1 ${fmt(naive.f1)}`,
  );
  console.log(
    misses.length === 0
      ? 'misses: none'
      : `misses (${misses.filter((m) => !m.startsWith('    ')).length} files):`,
  );
  for (const line of misses) console.log(line);
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function best<T>(fn: () => T): { value: T; timing: Timing } {
  let value: T | undefined;
  let timing: Timing = { wallMs: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let run = 0; run < RUNS; run += 1) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    value = fn();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (wallMs < timing.wallMs) timing = { wallMs, cpuMs };
  }
  return { value: value as T, timing };
}

/** A 1 MB issue: a realistic spec with criteria, logs, a table and a long task list, repeated. */
function oneMegabyteBody(): string {
  const block = (i: number): string =>
    [
      `## Acceptance criteria (part ${i})`,
      '',
      `- Users can export report ${i} as **CSV** and \`XLSX\``,
      `- Exports of report ${i} finish within 10 seconds`,
      '  - for up to 100k rows',
      '',
      '```',
      `2024-05-02T02:00:${String(i % 60).padStart(2, '0')}Z ERROR export: heap out of memory (should stream)`,
      '```',
      '',
      '| Column | Meaning |',
      '|--------|---------|',
      `| id | row ${i} identifier |`,
      '',
      `Some prose about iteration ${i} that explains the context and why this matters to customers.`,
      '',
      ...Array.from({ length: 5 }, (_, k) => `- [ ] Task ${i}.${k} is done`),
      '',
    ].join('\n');
  let body = '';
  for (let i = 0; body.length < 1024 * 1024; i += 1) body += block(i);
  return body;
}

function taskList(n: number): string {
  return Array.from({ length: n }, (_, i) => `- [${i % 4 === 0 ? 'x' : ' '}] Widget ${i} works`).join('\n');
}

function baselineParse(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function reportThroughput(name: string, body: string): void {
  const bytes = Buffer.byteLength(body);
  const mb = bytes / 1e6;
  const ours = best<ExtractionResult>(() => extractCriteria({ body }));
  const base = best<Root>(() => baselineParse(body));
  const r = ours.value;
  const parsedMb = Math.min(bytes, DEFAULT_LIMITS.maxBodyBytes) / 1e6;
  console.log(
    `${name} (${mb.toFixed(2)} MB, ${parsedMb.toFixed(2)} MB parsed): extract ${ours.timing.wallMs.toFixed(0)} ms wall / ` +
      `${ours.timing.cpuMs.toFixed(0)} ms cpu → ${(parsedMb / (ours.timing.wallMs / 1000)).toFixed(2)} MB/s parsed; ` +
      `${r.items.length} items returned, ${r.totalFound} found, truncated ${r.truncated}`,
  );
  console.log(
    `  baseline: one fromMarkdown+GFM parse of all ${mb.toFixed(2)} MB: ${base.timing.wallMs.toFixed(0)} ms wall / ` +
      `${base.timing.cpuMs.toFixed(0)} ms cpu (${base.value.children.length} top-level nodes)`,
  );
}

/** TID matching of a capped (200-item) checklist edit: half the items reworded, half replaced. */
function reportMatching(): void {
  const prev = Array.from({ length: 200 }, (_, i) => ({
    tid: `T${i}`,
    text: `Criterion ${i}: widget ${i * 7} works`,
  }));
  const next = prev.map((p, i) => (i % 2 === 0 ? `${p.text} reliably` : `Other thing ${i} entirely`));
  const ours = best(() => matchItems(prev, next));
  const exact = best(() => {
    const known = new Map(prev.map((p) => [normalizeText(p.text), p.tid]));
    return next.map((text) => known.get(normalizeText(text)));
  });
  console.log(
    `TID matching, 200 → 200 items: ${ours.timing.wallMs.toFixed(1)} ms wall / ${ours.timing.cpuMs.toFixed(1)} ms cpu ` +
      `(${ours.value.filter((m) => m.kind === 'fuzzy').length} fuzzy matches)`,
  );
  console.log(`  baseline: exact matching only: ${exact.timing.wallMs.toFixed(1)} ms wall`);
}

/** Inputs built to make extraction deep or slow (the unit tests check only that they complete). */
function worstCases(): [string, string][] {
  let nested = '## AC\n';
  for (let i = 0; i < 1000; i += 1) nested += `${'  '.repeat(i)}- level ${i}\n`;
  return [
    ['1000 nested bullets', nested],
    [
      '1000 nested list markers',
      Array.from({ length: 1000 }, (_, i) => `${'- '.repeat(i)}level ${i}`).join('\n'),
    ],
    ['1000 nested quotes', Array.from({ length: 1000 }, (_, i) => `${'>'.repeat(i)} level ${i}`).join('\n')],
    ['100,000 emphasis openers', `## AC\n- ${'*a'.repeat(100_000)}`],
    ['100,000 brackets', `## AC\n- ${'['.repeat(100_000)}`],
    ['200,000 colons after a label', `Expected${':'.repeat(200_000)}`],
    ['50,000 Gherkin tags', `Scenario: x\n${'@a '.repeat(50_000)}x`],
  ];
}

/** Prints corpus precision/recall with per-file misses, and extraction throughput. */
export default async function checklistExtractionBench(): Promise<void> {
  reportQuality();
  console.log(`throughput (best of ${RUNS}):`);
  reportThroughput('1 MB issue body', oneMegabyteBody());
  reportThroughput('10,000-item task list', taskList(10_000));
  reportMatching();
  console.log('worst cases:');
  for (const [name, body] of worstCases()) {
    // No baseline here: one whole-document parse of these inputs is what chunking exists to avoid.
    const ours = best<ExtractionResult>(() => extractCriteria({ body }));
    console.log(
      `  ${name} (${(Buffer.byteLength(body) / 1e6).toFixed(2)} MB): ${ours.timing.wallMs.toFixed(0)} ms wall / ` +
        `${ours.timing.cpuMs.toFixed(0)} ms cpu, ${ours.value.items.length} items`,
    );
  }
}
