/**
 * `assay criteria <file.md> [--title "…"]`: prints the acceptance criteria
 * Assay would extract from an issue body (the same extractor the checklist
 * consumer runs, without the optional LLM pass), so issue-template authors
 * can check their templates. Works on a local file only: never opens the
 * database.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { type ExtractorSource, extractCriteria } from '../../shared/checklists/extract/index.ts';
import { detectEncoding } from '../../shared/reports/encoding.ts';

import { printJson } from './output.ts';
import { criteriaUsage } from './usage.ts';

export { criteriaUsage };

/** Exit code for a file that cannot be read as text. */
export const UNREADABLE_FILE_EXIT_CODE = 2;

/** What `assay criteria` prints for a readable file. */
export interface CriteriaOutput {
  items: { text: string; source: ExtractorSource; checked?: boolean }[];
  /** Items found before the cap of 200. */
  totalFound: number;
  /** The body was cut at its size limit or more than 200 items were found. */
  truncated: boolean;
}

/** What `assay criteria` prints for a file it cannot read. */
export interface CriteriaError {
  error: string;
}

/** The arguments of `assay criteria`; throws a usage error for anything else. */
function parseArgs(args: readonly string[]): { path: string; title: string } {
  let path: string | undefined;
  let title = '';
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--title') {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`--title needs a value\n${criteriaUsage}`);
      title = value;
      i += 1;
    } else if (arg.startsWith('--title=')) {
      title = arg.slice('--title='.length);
    } else if (path === undefined && (arg === '-' || !arg.startsWith('-'))) {
      path = arg;
    } else {
      throw new Error(`Usage: assay criteria <file.md> [--title "…"]\n${criteriaUsage}`);
    }
  }
  if (path === undefined) throw new Error(`Usage: assay criteria <file.md> [--title "…"]\n${criteriaUsage}`);
  return { path, title };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The text of a Markdown file: UTF-8 (with or without BOM) or UTF-16 (with
 * or without BOM), told by the reports' encoding detection.
 *
 * @throws Error with a sentence for a missing file, a directory, or bytes that are not text.
 */
async function readMarkdown(path: string): Promise<string> {
  let bytes: Buffer;
  if (path === '-') bytes = await readStdin();
  else {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `${path}: no such file` : `${path}: ${err.message}`);
    });
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${err.code === 'EACCES' ? 'permission denied' : err.message}`);
    });
  }
  const { label } = detectEncoding(bytes);
  let text: string;
  try {
    text = new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new Error(
      `${path === '-' ? 'standard input' : path} is not text (expected UTF-8 or UTF-16 Markdown)`,
    );
  }
  if (text.includes('\u0000'))
    throw new Error(`${path === '-' ? 'standard input' : path} is not text (it contains NUL bytes)`);
  return text;
}

/**
 * Runs `assay criteria <file.md> [--title "…"]`: the JSON to print and the
 * exit code (0, or 2 with `{ error }` for an unreadable file). Bad arguments
 * throw a usage error (exit 1).
 */
export async function criteriaCommand(
  args: string[],
): Promise<{ output: CriteriaOutput | CriteriaError; exitCode: number }> {
  const { path, title } = parseArgs(args);
  let body: string;
  try {
    body = await readMarkdown(path);
  } catch (err) {
    return {
      output: { error: err instanceof Error ? err.message : String(err) },
      exitCode: UNREADABLE_FILE_EXIT_CODE,
    };
  }
  const result = extractCriteria({ title, body });
  return {
    output: {
      items: result.items.map(({ text, source, checked }) =>
        checked === undefined ? { text, source } : { text, source, checked },
      ),
      totalFound: result.totalFound,
      truncated: result.truncated,
    },
    exitCode: 0,
  };
}

/** `assay criteria <file.md> [--title "…"]`: prints the JSON; exit 0, or 2 for an unreadable file. */
export async function run(args: string[]): Promise<number> {
  const { output, exitCode } = await criteriaCommand(args);
  printJson(output);
  return exitCode;
}
