/**
 * Which files a list of glob patterns names (tinyglobby, so `**`, `{a,b}`,
 * `!exclude` work as in fast-glob). Relative patterns are read from `cwd`.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** The files the patterns matched (absolute, sorted, each once) and the patterns that matched none. */
export interface MatchedFiles {
  files: string[];
  unmatched: string[];
}

/**
 * Splits pattern arguments into patterns: one per line (an Action input is a
 * multi-line string), trimmed; blank lines and `#` comments are dropped.
 */
export function splitPatterns(values: readonly string[]): string[] {
  return values.flatMap((v) =>
    v
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

const ALWAYS_SKIPPED = ['**/node_modules/**', '**/.git/**'];

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Matches `patterns` under `cwd`. A pattern starting with `!` excludes what it
 * matches from every other pattern; a pattern without glob characters is a
 * path, taken as is when it is a file. Dot-files are matched; `node_modules`
 * and `.git` are skipped unless a pattern names them.
 */
export async function matchFiles(patterns: readonly string[], cwd: string): Promise<MatchedFiles> {
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const wanted = patterns.filter((p) => !p.startsWith('!'));
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of wanted) {
    let found: string[];
    if (!isDynamicPattern(pattern)) {
      const path = resolve(cwd, pattern);
      found = (await isFile(path)) ? [path] : [];
      if (found.length > 0 && excluded.length > 0) {
        const kept = await glob(isAbsolute(pattern) ? relative(cwd, path) : pattern, {
          cwd,
          ignore: excluded,
          absolute: true,
          dot: true,
          expandDirectories: false,
        });
        found = kept.length > 0 ? found : [];
      }
    } else {
      const skipped = ALWAYS_SKIPPED.filter((s) => !pattern.includes(s.split('/')[1] ?? ''));
      found = await glob(pattern, {
        cwd,
        ignore: [...skipped, ...excluded],
        absolute: true,
        onlyFiles: true,
        dot: true,
        expandDirectories: false,
      });
    }
    if (found.length === 0) unmatched.push(pattern);
    for (const file of found) files.add(resolve(file));
  }
  return { files: [...files].sort(), unmatched };
}
