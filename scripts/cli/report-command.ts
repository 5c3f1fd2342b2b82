/**
 * `assay report <file>`: parses a JUnit XML or code-health (code_health.json /
 * SARIF 2.1.0) report locally, as the report consumer would, and prints a JSON
 * summary — so a team can check its report before wiring CI. Never opens the
 * database.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import {
  DEFAULT_CODE_HEALTH_MAX_BYTES,
  type Finding,
  type SeverityCounts,
} from '../../shared/reports/code-health/types.ts';
import { decodeReport, decoderFor } from '../../shared/reports/encoding.ts';
import {
  DEFAULT_MAX_BYTES,
  type JUnitTestCase,
  type JUnitTestSuite,
  parseJUnit,
  type TestStatus,
  TidSummarizer,
} from '../../shared/reports/junit/index.ts';
import { InvalidReportError } from '../../shared/reports/junit/invalid.ts';
import { printJson } from './output.ts';
import { reportUsage } from './usage.ts';

export { reportUsage };

/** Exit code for a file that is not a valid report. */
export const INVALID_REPORT_EXIT_CODE = 2;

/** The summary of a JUnit report. */
export interface JUnitReportSummary {
  valid: true;
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  flaky: number;
  /** Worst status per TID (`{ "T12": "passed" }`). */
  tids: Record<string, TestStatus>;
  /** With `--cases`: every testcase, in document order. */
  cases?: ReportCase[];
  /** With `--cases`: every testsuite, in the order they close (inner before outer). */
  suites?: ReportSuite[];
  /** `CTRF` when the file is a CTRF JSON report (read with the same rules as JUnit). */
  reportFormat?: 'CTRF';
}

/** One testcase in the `--cases` output. */
export interface ReportCase {
  suite: string;
  classname: string;
  name: string;
  status: TestStatus;
  /** Absent when `time` is missing or unreadable. */
  durationMs?: number;
  tids: string[];
  flaky: boolean;
}

/** One testsuite in the `--cases` output. */
export interface ReportSuite {
  name: string;
  level: number;
  tests: number;
  durationMs?: number;
}

/** Options of {@link summarizeReport}. */
export interface SummarizeOptions {
  /** List every testcase (JUnit only). */
  cases?: boolean;
}

function caseOf(test: JUnitTestCase): ReportCase {
  const { suite, classname, name, status, durationMs, tids, flaky } = test;
  return durationMs === undefined
    ? { suite, classname, name, status, tids: [...tids], flaky }
    : { suite, classname, name, status, durationMs, tids: [...tids], flaky };
}

function suiteOf(suite: JUnitTestSuite): ReportSuite {
  const { name, level, tests, durationMs } = suite;
  return durationMs === undefined ? { name, level, tests } : { name, level, tests, durationMs };
}

/** The summary of a code-health report. */
export interface CodeHealthReportSummary {
  valid: true;
  format: 'code-health-json' | 'sarif';
  findings: Finding[];
  score: number;
  counts: SeverityCounts;
  /** SARIF files that carry `baselineState`: how many findings are new. */
  newFindings?: number;
}

/** A file that is not a valid report. */
export interface InvalidReportSummary {
  valid: false;
  error: string;
}

export type ReportSummary = JUnitReportSummary | CodeHealthReportSummary | InvalidReportSummary;

/** What a report looks like from its first meaningful character. */
type DetectedKind = 'junit' | 'code-health' | 'empty' | 'unknown' | { unsupported: string };

/**
 * Tells XML (JUnit) from JSON (code health) by the first character after a
 * BOM and whitespace, in whatever encoding the report consumer would read
 * the file (UTF-8 with or without BOM, UTF-16LE/BE with or without BOM …:
 * `detectEncoding`, the consumer's own routine).
 */
export function detectReportKind(head: Uint8Array): DetectedKind {
  let text: string;
  try {
    text = decoderFor(head).decode(head, { stream: true });
  } catch (err) {
    if (err instanceof InvalidReportError) return { unsupported: err.reason };
    throw err;
  }
  const first = /[^\s\ufeff]/u.exec(text)?.[0];
  if (first === undefined) return 'empty';
  if (first === '<') return 'junit';
  if (first === '{' || first === '[') return 'code-health';
  return 'unknown';
}

/** The first bytes of a file, enough to skip a BOM and leading whitespace. */
async function readHead(path: string, bytes = 4096): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function summarizeJUnit(path: string, options: SummarizeOptions): Promise<ReportSummary> {
  // Only the worst status per TID is printed: no per-test identity bookkeeping.
  const tids = new TidSummarizer({ flakyByIdentity: false });
  const cases: ReportCase[] = [];
  const suites: ReportSuite[] = [];
  const result = await parseJUnit(
    createReadStream(path),
    options.cases
      ? {
          onTestCase: (test) => {
            tids.add(test);
            cases.push(caseOf(test));
          },
          onTestSuite: (suite) => {
            suites.push(suiteOf(suite));
          },
        }
      : { onTestCase: tids.add },
  );
  if (!result.valid) return { valid: false, error: result.reason };
  const { tests, passed, failed, errored, skipped, flaky } = result;
  const summary: JUnitReportSummary = {
    valid: true,
    tests,
    passed,
    failed,
    errored,
    skipped,
    flaky,
    tids: tids.statuses(),
  };
  return options.cases ? { ...summary, cases, suites } : summary;
}

async function summarizeCtrf(
  path: string,
  bytes: Uint8Array,
  options: SummarizeOptions,
): Promise<ReportSummary> {
  const { parseCtrf } = await import('../../shared/reports/ctrf/index.ts');
  const tids = new TidSummarizer({ flakyByIdentity: false });
  const cases: ReportCase[] = [];
  const result = await parseCtrf(bytes, {
    onTestCase: (test) => {
      tids.add(test);
      if (options.cases) cases.push(caseOf(test));
    },
  });
  if (!result.valid) return { valid: false, error: `${path}: ${result.reason}` };
  const { tests, passed, failed, errored, skipped, flaky } = result;
  const summary: JUnitReportSummary = {
    valid: true,
    reportFormat: 'CTRF',
    tests,
    passed,
    failed,
    errored,
    skipped,
    flaky,
    tids: tids.statuses(),
  };
  return options.cases ? { ...summary, cases } : summary;
}

/** True when the JSON file at `path` is a CTRF report (`results.tool` and `results.tests`). */
async function readCtrfCandidate(path: string): Promise<Uint8Array | undefined> {
  const { looksLikeCtrf } = await import('../../shared/reports/ctrf/index.ts');
  const bytes = await readFile(path);
  try {
    return looksLikeCtrf(JSON.parse(decodeReport(bytes))) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

async function summarizeCodeHealth(path: string): Promise<ReportSummary> {
  // Loaded only for a code-health file: it brings zod, which a JUnit summary does not need.
  const { parseCodeHealthStream } = await import('../../shared/reports/code-health/parse.ts');
  const result = await parseCodeHealthStream(createReadStream(path));
  if (!result.valid) return { valid: false, error: result.reason };
  const { format, findings, score, counts, newFindings } = result;
  return newFindings === undefined
    ? { valid: true, format, findings, score, counts }
    : { valid: true, format, findings, score, counts, newFindings };
}

/**
 * Parses `path` and returns its summary. A missing or unreadable file throws
 * (an operator error); a file that is not a valid report is a summary with
 * `valid: false` and the reason.
 */
export async function summarizeReport(path: string, options: SummarizeOptions = {}): Promise<ReportSummary> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  const kind = detectReportKind(await readHead(path));
  if (typeof kind === 'object') return { valid: false, error: kind.unsupported };
  const limit = kind === 'code-health' ? DEFAULT_CODE_HEALTH_MAX_BYTES : DEFAULT_MAX_BYTES;
  if (info.size > limit) return { valid: false, error: `report is larger than the limit of ${limit} bytes` };
  switch (kind) {
    case 'junit':
      return summarizeJUnit(path, options);
    case 'code-health': {
      // JSON: a CTRF report (tests) or a code-health document (findings), told apart by shape.
      const ctrf = await readCtrfCandidate(path);
      return ctrf ? summarizeCtrf(path, ctrf, options) : summarizeCodeHealth(path);
    }
    case 'empty':
      return { valid: false, error: 'empty file' };
    default:
      return {
        valid: false,
        error: 'not a report: expected JUnit XML ("<") or a code-health JSON document ("{")',
      };
  }
}

/**
 * Runs `assay report <file> [--cases]`: the summary to print and the exit
 * code (0, or 2 for an invalid report).
 */
export async function reportCommand(args: string[]): Promise<{ output: ReportSummary; exitCode: number }> {
  const cases = args.includes('--cases');
  const [path, ...extra] = args.filter((arg) => arg !== '--cases');
  if (!path || extra.length > 0 || path.startsWith('--'))
    throw new Error(`Usage: assay report <file> [--cases]\n${reportUsage}`);
  const output = await summarizeReport(path, { cases });
  return { output, exitCode: output.valid ? 0 : INVALID_REPORT_EXIT_CODE };
}

/** `assay report <file>`: prints the summary; exit 0, or 2 for an invalid report. */
export async function run(args: string[]): Promise<number> {
  const { output, exitCode } = await reportCommand(args);
  printJson(output);
  return exitCode;
}
