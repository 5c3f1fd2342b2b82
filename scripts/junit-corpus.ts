/**
 * `npm run corpus [dir]`: runs the streaming JUnit parser over the reference
 * corpus of real reports (default `../shared/corpus/junit`, or
 * `ASSAY_JUNIT_CORPUS`) and compares every file with the counts in its
 * `expected.tsv` (computed independently with a strict XML parser). Prints the
 * mismatches and a total line; exits 1 when any file disagrees.
 *
 * The corpus stays outside the repository: its files keep their upstream
 * licences and are test data, not product code.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type JUnitResult, parseJUnit } from '../shared/reports/junit/index.ts';

const COUNT_FIELDS = ['suites', 'tests', 'passed', 'failed', 'errored', 'skipped'] as const;
type CountField = (typeof COUNT_FIELDS)[number];

const count = z.union([z.literal('NA').transform(() => undefined), z.coerce.number().int().min(0)]);
const RowSchema = z.object({
  path: z.string().min(1),
  tool_hint: z.string().default(''),
  suites: count,
  tests: count,
  passed: count,
  failed: count,
  errored: count,
  skipped: count,
  valid_xml: z.enum(['yes', 'no']),
  notes: z.string().default(''),
});
type Row = z.infer<typeof RowSchema>;

function parseTsv(text: string): Row[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const names = (header ?? '').split('\t');
  return lines.map((line, index) => {
    const cells = line.split('\t');
    const record = Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
    const parsed = RowSchema.safeParse(record);
    if (!parsed.success) throw new Error(`expected.tsv line ${index + 2}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

/** Differences between what the file should give and what the parser gave. */
function compare(row: Row, result: JUnitResult): string[] {
  if (row.valid_xml === 'no') {
    return result.valid ? [`expected invalid, parser said valid (${result.tests} tests)`] : [];
  }
  if (!result.valid) return [`expected valid, parser said invalid: ${result.reason}`];
  const diffs: string[] = [];
  for (const field of COUNT_FIELDS) {
    const want: number | undefined = row[field];
    const got = result[field as CountField];
    if (want !== got) diffs.push(`${field} expected ${want} got ${got}`);
  }
  return diffs;
}

async function main(): Promise<number> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = resolve(
    process.argv[2] ?? process.env.ASSAY_JUNIT_CORPUS ?? join(repoRoot, '../shared/corpus/junit'),
  );
  const index = join(dir, 'expected.tsv');
  if (!existsSync(index)) {
    console.error(`No JUnit corpus at ${dir}: pass its folder as an argument or set ASSAY_JUNIT_CORPUS.`);
    return 2;
  }
  const rows = parseTsv(await readFile(index, 'utf8'));
  const totals = { suites: 0, tests: 0, passed: 0, failed: 0, errored: 0, skipped: 0, flaky: 0, invalid: 0 };
  let matches = 0;
  const started = performance.now();
  for (const row of rows) {
    let diffs: string[];
    try {
      const result = await parseJUnit(createReadStream(join(dir, row.path)));
      diffs = compare(row, result);
      if (result.valid) {
        for (const field of COUNT_FIELDS) totals[field] += result[field];
        totals.flaky += result.flaky;
      } else {
        totals.invalid++;
        if (diffs.length === 0) console.log(`ok (invalid as expected) ${row.path}: ${result.reason}`);
      }
    } catch (err) {
      diffs = [`parser rejected: ${err instanceof Error ? err.message : String(err)}`];
    }
    if (diffs.length === 0) matches++;
    else console.log(`MISMATCH ${row.path} [${row.tool_hint}]\n  ${diffs.join('\n  ')}`);
  }
  const ms = Math.round(performance.now() - started);
  console.log(
    `totals (valid files): ${totals.suites} suites, ${totals.tests} tests: ${totals.passed} passed ` +
      `(${totals.flaky} flaky), ${totals.failed} failed, ${totals.errored} errored, ${totals.skipped} skipped; ` +
      `${totals.invalid} invalid file(s); ${ms} ms`,
  );
  const mismatches = rows.length - matches;
  console.log(`${rows.length} files: ${matches} match, ${mismatches} mismatch`);
  return mismatches === 0 ? 0 : 1;
}

process.exitCode = await main();
