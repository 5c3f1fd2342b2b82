/**
 * Reading a pull request's changed files (GitHub's `pulls/{n}/files` shape)
 * into what relevance scoring needs: per-file hunks and added identifiers, the
 * words of changed paths, and tests in added lines that carry TIDs.
 *
 * The patches are walked line by line with a hand-rolled hunk walker (the
 * unified-diff subset GitHub sends: `@@` headers, ` `/`+`/`-` lines and
 * `\ No newline at end of file` markers) rather than `parse-diff`, which
 * builds an object per line: memory stays flat and it is several times faster
 * (see `bench/manifest.bench.ts`). Identifiers are capped per file and overall.
 *
 * @module
 */

import { IDENTIFIER, isSignificant } from '../text/tokenizer.ts';
import { mayCarryTid, type TaggedTest, taggedTestsInLine } from './tagged-tests.ts';
import { isTestPath } from './test-layout.ts';
import { pathWordsOf, wordParts } from './words.ts';

export type { TaggedTest } from './tagged-tests.ts';

/** One changed file as GitHub lists it (`GitHubPullFile`). */
export interface ChangedFile {
  filename: string;
  previousFilename?: string;
  status: string;
  additions: number;
  deletions: number;
  /** Absent for binary files and very large diffs. */
  patch?: string;
}

/** One analysed file. */
export interface AnalyzedFile {
  path: string;
  status: string;
  isTest: boolean;
  additions: number;
  deletions: number;
  hunks: number;
  /** Distinct identifiers of added lines, as written, in order of appearance (capped). */
  addedIdentifiers: string[];
}

/** What {@link analyzeDiff} finds in a pull request's changes. */
export interface DiffAnalysis {
  files: AnalyzedFile[];
  /** Lower-cased identifiers of added lines and their camel/snake word parts (capped). */
  identifiers: ReadonlySet<string>;
  /** Lower-case words (three or more letters) of changed paths, old paths of renames included. */
  pathWords: ReadonlySet<string>;
  /** Tests in added lines that carry TIDs. */
  taggedTests: TaggedTest[];
}

/** Limits of {@link analyzeDiff}. */
export interface DiffLimits {
  /** Distinct identifiers kept per file. */
  perFile: number;
  /** Entries of `identifiers` overall. */
  overall: number;
  /** Per-file identifiers kept over all files together (later files get none once reached). */
  total: number;
  /** Characters of an added line scanned (minified lines are long). */
  lineChars: number;
}

/** The default limits. */
export const DEFAULT_DIFF_LIMITS: DiffLimits = {
  perFile: 500,
  overall: 50_000,
  total: 250_000,
  lineChars: 400,
};

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Language keywords and noise that are not worth matching. */
const NOISE: ReadonlySet<string> = new Set(
  (
    'const let var function return import export from default class extends implements interface type enum ' +
    'public private protected static final void async await new this self super null undefined true false ' +
    'None True False def elif else for while break continue try catch except finally raise throw throws ' +
    'package func struct impl pub use mod mut match case switch when then end begin module require ' +
    'int long float double char bool boolean string String Object Array Promise readonly yield lambda with ' +
    'and not the http https www com org'
  ).split(' '),
);

interface FileScan {
  hunks: number;
  identifiers: string[];
}

function scanPatch(
  file: string,
  patch: string,
  limits: DiffLimits,
  global: Set<string>,
  tagged: TaggedTest[],
): FileScan {
  const seen = new Set<string>();
  const identifiers: string[] = [];
  let hunks = 0;
  let newLine = 0;
  let start = 0;
  while (start < patch.length) {
    let end = patch.indexOf('\n', start);
    if (end < 0) end = patch.length;
    const c = patch.charCodeAt(start);
    if (c === 64 /* @ */) {
      const m = HUNK.exec(patch.slice(start, Math.min(end, start + 80)));
      if (m) {
        hunks++;
        newLine = Number(m[1]);
      }
    } else if (c === 43 /* + */) {
      if (!(hunks === 0 && patch.startsWith('+++ ', start))) {
        const text = patch.slice(start + 1, Math.min(end, start + 1 + limits.lineChars));
        if (identifiers.length < limits.perFile) {
          IDENTIFIER.lastIndex = 0;
          for (let m = IDENTIFIER.exec(text); m !== null; m = IDENTIFIER.exec(text)) {
            const id = m[0];
            if (!isSignificant(id) || seen.has(id) || NOISE.has(id)) continue;
            seen.add(id);
            identifiers.push(id);
            if (global.size < limits.overall) {
              global.add(id.toLowerCase());
              for (const part of wordParts(id)) if (isSignificant(part)) global.add(part);
            }
            if (identifiers.length >= limits.perFile) break;
          }
        }
        if (mayCarryTid(text)) for (const t of taggedTestsInLine(text, file, newLine)) tagged.push(t);
        newLine++;
      }
    } else if (c === 32 /* space */) {
      newLine++;
    }
    // `-` lines, `\ No newline at end of file` and `---`/`diff` headers leave the new-file line as is.
    start = end + 1;
  }
  return { hunks, identifiers };
}

/**
 * Analyses a pull request's changed files: hunks and added identifiers per
 * file, the words of changed paths, and TID-tagged tests in added lines.
 * Files without a patch (binary, too large, pure renames) count with zero
 * hunks. Patches may come bare (as GitHub sends them) or with `---`/`+++`
 * headers.
 */
export function analyzeDiff(
  files: readonly ChangedFile[],
  limits: DiffLimits = DEFAULT_DIFF_LIMITS,
): DiffAnalysis {
  const identifiers = new Set<string>();
  const pathWords = new Set<string>();
  const taggedTests: TaggedTest[] = [];
  const out: AnalyzedFile[] = [];
  let kept = 0;
  for (const f of files) {
    const room = Math.max(0, Math.min(limits.perFile, limits.total - kept));
    for (const w of pathWordsOf(f.filename)) pathWords.add(w);
    if (f.previousFilename) for (const w of pathWordsOf(f.previousFilename)) pathWords.add(w);
    const scan = f.patch
      ? scanPatch(f.filename, f.patch, { ...limits, perFile: room }, identifiers, taggedTests)
      : { hunks: 0, identifiers: [] };
    kept += scan.identifiers.length;
    out.push({
      path: f.filename,
      status: f.status,
      isTest: isTestPath(f.filename),
      additions: f.additions,
      deletions: f.deletions,
      hunks: scan.hunks,
      addedIdentifiers: scan.identifiers,
    });
  }
  return { files: out, identifiers, pathWords, taggedTests };
}
