/**
 * Entry points: a code-health upload (`code_health.json` or SARIF 2.1.0, told
 * apart by content) → findings, counts and score; never throws on bad input.
 *
 * @module
 */
import { decodeReport } from '../encoding.ts';
import { InvalidReportError } from '../junit/invalid.ts';
import { findingsFromCodeHealthJson } from './code-health-json.ts';
import { findingsFromSarif, looksLikeSarif } from './sarif.ts';
import { computeScore } from './score.ts';
import { countBySeverity } from './severity.ts';
import {
  type CodeHealthFormat,
  type CodeHealthResult,
  DEFAULT_CODE_HEALTH_MAX_BYTES,
  type Finding,
} from './types.ts';

export { DEFAULT_CODE_HEALTH_MAX_BYTES };

/** Options of the code-health parsers. */
export interface ParseCodeHealthOptions {
  /** Larger inputs are invalid. Default 100 MB. */
  maxBytes?: number;
}

type Extracted = { ok: true; findings: Finding[]; baseline?: boolean } | { ok: false; reason: string };

function byteLength(input: string | Uint8Array): number {
  return typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
}

function readJson(
  input: string | Uint8Array,
  maxBytes: number,
): { ok: true; json: unknown } | { ok: false; reason: string } {
  const size = byteLength(input);
  if (size === 0) return { ok: false, reason: 'empty file' };
  if (size > maxBytes) return { ok: false, reason: `report is larger than the limit of ${maxBytes} bytes` };
  let text: string;
  try {
    text = decodeReport(input);
  } catch (err) {
    if (err instanceof InvalidReportError) return { ok: false, reason: err.reason };
    throw err;
  }
  if (text.trim() === '') return { ok: false, reason: 'empty file' };
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function finish(format: CodeHealthFormat, extracted: Extracted): CodeHealthResult {
  if (!extracted.ok) return { valid: false, reason: extracted.reason };
  const { findings } = extracted;
  const counts = countBySeverity(findings);
  const result: CodeHealthResult = { valid: true, format, findings, counts, score: computeScore(counts) };
  if (extracted.baseline) result.newFindings = findings.filter((f) => f.baselineState === 'new').length;
  return result;
}

/**
 * Parses a code-health upload of either format: SARIF when it has `runs` or a
 * SARIF `$schema`, `code_health.json` when it has `findings`. Bytes may be
 * UTF-8 (with or without BOM) or UTF-16 (LE/BE, with or without BOM): the
 * encoding is told by `../encoding.ts`, the routine JUnit uploads use too. Anything else —
 * empty, not JSON, the wrong shape, over `maxBytes` — gives
 * `{ valid: false, reason }`; nothing throws.
 */
export function parseCodeHealth(
  input: string | Uint8Array,
  options: ParseCodeHealthOptions = {},
): CodeHealthResult {
  const read = readJson(input, options.maxBytes ?? DEFAULT_CODE_HEALTH_MAX_BYTES);
  if (!read.ok) return { valid: false, reason: read.reason };
  const { json } = read;
  if (looksLikeSarif(json)) return finish('sarif', findingsFromSarif(json));
  if (typeof json === 'object' && json !== null && 'findings' in json) {
    return finish('code-health-json', findingsFromCodeHealthJson(json));
  }
  return {
    valid: false,
    reason: 'not a code-health report: expected SARIF 2.1.0 ("runs") or code_health.json ("findings")',
  };
}

/** Parses SARIF 2.1.0 only. */
export function parseSarif(
  input: string | Uint8Array,
  options: ParseCodeHealthOptions = {},
): CodeHealthResult {
  const read = readJson(input, options.maxBytes ?? DEFAULT_CODE_HEALTH_MAX_BYTES);
  return read.ok ? finish('sarif', findingsFromSarif(read.json)) : { valid: false, reason: read.reason };
}

/** Parses `code_health.json` only. */
export function parseCodeHealthJson(
  input: string | Uint8Array,
  options: ParseCodeHealthOptions = {},
): CodeHealthResult {
  const read = readJson(input, options.maxBytes ?? DEFAULT_CODE_HEALTH_MAX_BYTES);
  return read.ok
    ? finish('code-health-json', findingsFromCodeHealthJson(read.json))
    : { valid: false, reason: read.reason };
}

/**
 * {@link parseCodeHealth} over a chunked source (a Node `Readable`, an S3 body):
 * reads at most `maxBytes` (JSON is not streamed — the whole document is
 * needed), then parses. Rejects only when the source itself fails.
 */
export async function parseCodeHealthStream(
  source: AsyncIterable<Uint8Array | string>,
  options: ParseCodeHealthOptions = {},
): Promise<CodeHealthResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_CODE_HEALTH_MAX_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buffer.byteLength;
    if (size > maxBytes)
      return { valid: false, reason: `report is larger than the limit of ${maxBytes} bytes` };
    chunks.push(buffer);
  }
  return parseCodeHealth(Buffer.concat(chunks), { maxBytes });
}
