/**
 * Reading the reports out of a workflow-run artifact (a ZIP, as GitHub's
 * `…/actions/artifacts/{id}/zip` serves it). Third-party bytes written by the
 * workflow — by a fork's own code for a pull request from a fork — so every
 * limit holds whatever the archive's headers claim: the number of entries,
 * each entry's inflated size, the total inflated size, and the ratio of the
 * total inflated size to the archive's size (a zip bomb stops as soon as it
 * passes any of them, counted while inflating with `fflate`, as for DOCX).
 *
 * Entries are told apart by name and content (pure; nothing is written to disk):
 * - `*.xml` whose first character is `<` → JUnit;
 * - `*.sarif`, or `*.json` with a SARIF `runs` array → code health (SARIF);
 * - `*.json` with CTRF's `results.tool`/`results.tests` → CTRF;
 * - other `*.json` → code health (its parser decides whether it is one);
 * - anything else (traces, screenshots, videos, logs) → `other` (see attachments).
 *
 * @module
 */
import { Unzip, UnzipInflate } from 'fflate';
import { looksLikeCtrf } from '../reports/ctrf/index.ts';

/** Limits on one artifact archive. */
export interface ArtifactLimits {
  /** Entries (files and folders) an archive may hold. Default 1,000. */
  maxEntries: number;
  /** Inflated bytes one entry may hold (a report: `ASSAY_REPORT_MAX_BYTES`). */
  maxEntryBytes: number;
  /** Inflated bytes of all entries together. Default 512 MB. */
  maxTotalBytes: number;
  /** Inflated bytes per archive byte, above 1 MB inflated. Default 200. */
  maxRatio: number;
}

/** Default {@link ArtifactLimits} (entry size from the report limit). */
export function artifactLimits(maxReportBytes: number): ArtifactLimits {
  return { maxEntries: 1000, maxEntryBytes: maxReportBytes, maxTotalBytes: 512 * 1024 * 1024, maxRatio: 200 };
}

/** What an entry holds. */
export type ArtifactEntryKind = 'junit' | 'ctrf' | 'code-health' | 'other';

/** One file of the archive. */
export interface ArtifactEntry {
  /** Its path inside the archive (`reports/junit.xml`). */
  name: string;
  kind: ArtifactEntryKind;
  bytes: Uint8Array;
}

/** The archive broke a limit or is not a ZIP: nothing of it is used. */
export class ArtifactRejected extends Error {
  override readonly name = 'ArtifactRejected';
  constructor(
    readonly status: 'invalid' | 'rejected',
    message: string,
  ) {
    super(message);
  }
}

const firstChar = (bytes: Uint8Array): string | undefined => {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024));
  return /[^\s\ufeff]/u.exec(head)?.[0];
};

/** The kind of a file from its name and first bytes. */
export function entryKind(name: string, bytes: Uint8Array): ArtifactEntryKind {
  const lower = name.toLowerCase();
  if (lower.endsWith('.sarif')) return 'code-health';
  if (lower.endsWith('.xml')) return firstChar(bytes) === '<' ? 'junit' : 'other';
  if (!lower.endsWith('.json')) return 'other';
  const first = firstChar(bytes);
  if (first !== '{') return 'other';
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (looksLikeCtrf(json)) return 'ctrf';
    return 'code-health';
  } catch {
    return 'other';
  }
}

/**
 * Inflates every file of `archive` under `limits` and tells their kinds.
 * Throws {@link ArtifactRejected}: `invalid` when it is not a readable ZIP,
 * `rejected` when it breaks a limit. Folders are skipped; entries come in
 * archive order.
 */
export function extractArtifact(archive: Uint8Array, limits: ArtifactLimits): ArtifactEntry[] {
  if (archive.byteLength < 22 || archive[0] !== 0x50 || archive[1] !== 0x4b)
    throw new ArtifactRejected('invalid', 'The artifact is not a ZIP archive');
  const entries: { name: string; chunks: Uint8Array[]; size: number }[] = [];
  let total = 0;
  let failure: ArtifactRejected | undefined;
  const ratioFloor = 1024 * 1024;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (entries.length + 1 > limits.maxEntries) {
      failure = new ArtifactRejected('rejected', `The artifact holds more than ${limits.maxEntries} entries`);
      return;
    }
    const entry = { name: file.name, chunks: [] as Uint8Array[], size: 0 };
    entries.push(entry);
    file.ondata = (error, chunk) => {
      if (failure) return;
      if (error) {
        failure = new ArtifactRejected('invalid', `The artifact is damaged: ${error.message}`);
        return;
      }
      entry.size += chunk.length;
      total += chunk.length;
      if (entry.size > limits.maxEntryBytes)
        failure = new ArtifactRejected(
          'rejected',
          `${file.name} expands to more than ${limits.maxEntryBytes} bytes; the limit per file`,
        );
      else if (total > limits.maxTotalBytes)
        failure = new ArtifactRejected(
          'rejected',
          `The artifact expands to more than ${limits.maxTotalBytes} bytes in all`,
        );
      else if (total > ratioFloor && total > archive.byteLength * limits.maxRatio)
        failure = new ArtifactRejected(
          'rejected',
          `The artifact expands more than ${limits.maxRatio} times its size (a zip bomb?)`,
        );
      if (failure) file.terminate();
      else entry.chunks.push(chunk);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    const step = 1024 * 1024;
    for (let offset = 0; offset < archive.length && !failure; offset += step) {
      const end = Math.min(archive.length, offset + step);
      unzip.push(archive.subarray(offset, end), end === archive.length);
    }
  } catch (error) {
    failure ??= new ArtifactRejected(
      'invalid',
      `The artifact is damaged: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (failure) throw failure;
  return entries
    .filter((e) => !e.name.endsWith('/'))
    .map((e) => {
      const bytes = e.chunks.length === 1 ? e.chunks[0]! : Buffer.concat(e.chunks);
      return { name: e.name, kind: entryKind(e.name, bytes), bytes };
    });
}
