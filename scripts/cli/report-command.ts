/**
 * `assay report <file>`: parses a JUnit XML or code-health (code_health.json /
 * SARIF 2.1.0) report locally, as the report consumer would, and prints a JSON
 * summary — so a team can check its report before wiring CI. Never opens the
 * database.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import {
  DEFAULT_CODE_HEALTH_MAX_BYTES,
  type Finding,
  type SeverityCounts,
} from '../../shared/reports/code-health/types.ts';
import {
  DEFAULT_MAX_BYTES,
  parseJUnit,
  type TestStatus,
  TidSummarizer,
} from '../../shared/reports/junit/index.ts';
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
}

/** The summary of a code-health report. */
export interface CodeHealthReportSummary {
  valid: true;
  format: 'code-health-json' | 'sarif';
  findings: Finding[];
  score: number;
  counts: SeverityCounts;
}

/** A file that is not a valid report. */
export interface InvalidReportSummary {
  valid: false;
  error: string;
}

export type ReportSummary = JUnitReportSummary | CodeHealthReportSummary | InvalidReportSummary;

/** What a report looks like from its first meaningful character. */
type DetectedKind = 'junit' | 'code-health' | 'empty' | 'unknown';

const BOM = [0xef, 0xbb, 0xbf];
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Tells XML (JUnit) from JSON (code health) by the first character after a BOM and whitespace. */
export function detectReportKind(head: Uint8Array): DetectedKind {
  let i = BOM.every((byte, k) => head[k] === byte) ? BOM.length : 0;
  while (i < head.length && WHITESPACE.has(head[i] ?? 0)) i++;
  if (i >= head.length) return 'empty';
  const first = head[i];
  if (first === 0x3c) return 'junit'; // '<'
  if (first === 0x7b || first === 0x5b) return 'code-health'; // '{' or '['
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

async function summarizeJUnit(path: string): Promise<ReportSummary> {
  // Only the worst status per TID is printed: no per-test identity bookkeeping.
  const tids = new TidSummarizer({ flakyByIdentity: false });
  const result = await parseJUnit(createReadStream(path), { onTestCase: tids.add });
  if (!result.valid) return { valid: false, error: result.reason };
  const { tests, passed, failed, errored, skipped, flaky } = result;
  return { valid: true, tests, passed, failed, errored, skipped, flaky, tids: tids.statuses() };
}

async function summarizeCodeHealth(path: string): Promise<ReportSummary> {
  // Loaded only for a code-health file: it brings zod, which a JUnit summary does not need.
  const { parseCodeHealthStream } = await import('../../shared/reports/code-health/parse.ts');
  const result = await parseCodeHealthStream(createReadStream(path));
  if (!result.valid) return { valid: false, error: result.reason };
  const { format, findings, score, counts } = result;
  return { valid: true, format, findings, score, counts };
}

/**
 * Parses `path` and returns its summary. A missing or unreadable file throws
 * (an operator error); a file that is not a valid report is a summary with
 * `valid: false` and the reason.
 */
export async function summarizeReport(path: string): Promise<ReportSummary> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  const kind = detectReportKind(await readHead(path));
  const limit = kind === 'code-health' ? DEFAULT_CODE_HEALTH_MAX_BYTES : DEFAULT_MAX_BYTES;
  if (info.size > limit) return { valid: false, error: `report is larger than the limit of ${limit} bytes` };
  switch (kind) {
    case 'junit':
      return summarizeJUnit(path);
    case 'code-health':
      return summarizeCodeHealth(path);
    case 'empty':
      return { valid: false, error: 'empty file' };
    default:
      return {
        valid: false,
        error: 'not a report: expected JUnit XML ("<") or a code-health JSON document ("{")',
      };
  }
}

/** Runs `assay report <file>`: the summary to print and the exit code (0, or 2 for an invalid report). */
export async function reportCommand(args: string[]): Promise<{ output: ReportSummary; exitCode: number }> {
  const [path, ...extra] = args;
  if (!path || extra.length > 0) throw new Error(`Usage: assay report <file>\n${reportUsage}`);
  const output = await summarizeReport(path);
  return { output, exitCode: output.valid ? 0 : INVALID_REPORT_EXIT_CODE };
}

/** `assay report <file>`: prints the summary; exit 0, or 2 for an invalid report. */
export async function run(args: string[]): Promise<number> {
  const { output, exitCode } = await reportCommand(args);
  printJson(output);
  return exitCode;
}
