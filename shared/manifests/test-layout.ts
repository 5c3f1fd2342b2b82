/**
 * Where tests live and what they are called (SPEC §3): recognising test files,
 * suggesting a test path that follows the repository's own layout as seen in
 * the pull request's paths, and naming a test in the TID convention.
 *
 * @module
 */
import { type Language, languageOf, testStyles } from './test-styles.ts';

export { suggestTestName } from './test-name.ts';

const TEST_PATH_PATTERNS: readonly RegExp[] = [
  /(?:^|\/)(?:__tests__|__mocks__|tests?|specs?|e2e|cypress|testing|testdata|fixtures)\//i,
  /\.(?:test|spec|e2e|cy|stories)\.[cm]?[jt]sx?$/i,
  /_(?:test|spec)\.(?:go|py|rb|exs?|dart|[cm]?[jt]sx?)$/i,
  /(?:^|\/)test_[^/]+\.py$/i,
  /(?:^|\/)conftest\.py$/i,
  /(?:Tests?|IT|Spec)\.(?:java|kt|kts|scala|groovy|cs|swift|php)$/,
  /(?:^|\/)[^/]+\.Tests?\//,
];

/** Whether a repository path is a test (by directory or file-name convention, any common language). */
export function isTestPath(path: string): boolean {
  for (const p of TEST_PATH_PATTERNS) if (p.test(path)) return true;
  return false;
}

function split(path: string): { dir: string; base: string; ext: string } {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  return dot <= 0 ? { dir, base: file, ext: '' } : { dir, base: file.slice(0, dot), ext: file.slice(dot) };
}

function dropFirstSegment(dir: string): string {
  const i = dir.indexOf('/');
  return i < 0 || i === dir.length - 1 ? '' : dir.slice(i + 1);
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function suggestJsLike(path: string, known: readonly string[]): string {
  const { dir, base, ext } = split(path);
  const s = testStyles(known, 'js');
  const kind = s.spec > s.test ? 'spec' : 'test';
  if (s.rootDir !== undefined && s.rootDir.count > s.beside && s.rootDir.count >= s.nested) {
    return `${s.rootDir.prefix}${dropFirstSegment(dir)}${base}.${kind}${ext}`;
  }
  if (s.nested > s.beside) return `${dir}__tests__/${base}.${kind}${ext}`;
  return `${dir}${base}.${kind}${ext}`;
}

function suggestPython(path: string, known: readonly string[]): string {
  const { dir, base } = split(path);
  const s = testStyles(known, 'py');
  if (s.suffix > s.prefix) return `${dir}${base}_test.py`;
  if (s.beside > (s.rootDir?.count ?? 0)) return `${dir}test_${base}.py`;
  return `${s.rootDir?.prefix ?? 'tests/'}test_${base}.py`;
}

function suggestJvm(path: string, ext: string): string {
  const { dir, base } = split(path);
  const m = /^(.*?)src\/main\/([^/]+)\/(.*)$/.exec(dir);
  if (m) return `${m[1]}src/test/${m[2]}/${m[3]}${base}Test${ext}`;
  return `${dir}${base}Test${ext}`;
}

function suggestRuby(path: string, known: readonly string[]): string {
  const { dir, base } = split(path);
  const rest = /^(?:app|lib)\//.test(dir) ? dropFirstSegment(dir) : dir;
  const s = testStyles(known, 'rb');
  if (s.minitest > s.rspec) return `test/${rest}${base}_test.rb`;
  return `spec/${rest}${base}_spec.rb`;
}

function suggestCSharp(path: string): string {
  const { dir, base } = split(path);
  const parts = dir.split('/').filter(Boolean);
  if (parts[0]?.toLowerCase() === 'src' && parts.length >= 2) {
    return `tests/${parts[1]}.Tests/${parts.slice(2).join('/')}${parts.length > 2 ? '/' : ''}${base}Tests.cs`;
  }
  if (parts.length >= 1) {
    return `${parts[0]}.Tests/${parts.slice(1).join('/')}${parts.length > 1 ? '/' : ''}${base}Tests.cs`;
  }
  return `Tests/${base}Tests.cs`;
}

function suggestFor(language: Language, path: string, known: readonly string[]): string {
  const { dir, base, ext } = split(path);
  switch (language) {
    case 'js':
      return suggestJsLike(path, known);
    case 'py':
      return suggestPython(path, known);
    case 'jvm':
      return suggestJvm(path, ext);
    case 'go':
      return `${dir}${base}_test.go`;
    case 'rb':
      return suggestRuby(path, known);
    case 'rs':
      return `tests/${base === 'lib' || base === 'main' || base === 'mod' ? (dir.split('/').at(-2) ?? 'integration') : base}.rs`;
    case 'cs':
      return suggestCSharp(path);
    case 'php':
      return `tests/${/^src\//.test(dir) ? dropFirstSegment(dir) : dir}${base}Test.php`;
  }
}

/** The extension a default test takes for a language. */
const DEFAULT_SOURCE: Record<Language, (name: string) => string> = {
  js: (n) => `src/${n}.ts`,
  py: (n) => `${n.replace(/-/g, '_')}.py`,
  jvm: (n) => `src/main/java/${pascal(n)}.java`,
  go: (n) => `${n.replace(/-/g, '_')}.go`,
  rb: (n) => `lib/${n.replace(/-/g, '_')}.rb`,
  rs: (n) => `src/${n.replace(/-/g, '_')}.rs`,
  cs: (n) => `src/App/${pascal(n)}.cs`,
  php: (n) => `src/${pascal(n)}.php`,
};

/** The most common language among paths (tests included); `js` when none is recognised. */
export function dominantLanguage(paths: readonly string[]): Language {
  const counts = new Map<Language, number>();
  for (const p of paths) {
    const l = languageOf(p);
    if (l !== undefined) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  let best: Language = 'js';
  let bestCount = 0;
  for (const [l, c] of counts) if (c > bestCount) [best, bestCount] = [l, c];
  return best;
}

/**
 * A path for a new test of `sourcePath` that follows the repository's layout
 * as seen in `knownPaths` (the PR's changed paths and any tree paths known):
 * - TS/JS: `x.test.ts` beside `x.ts`, or `.spec.` / `__tests__/` / a mirrored
 *   `test/…` (`tests/unit/…`) tree when most known tests do so;
 * - Python: `tests/test_x.py`, or `test_x.py` beside / `x_test.py` if used;
 * - Java/Kotlin/Scala: `src/main/<lang>/a/X.java` → `src/test/<lang>/a/XTest.java`;
 * - Go: `x_test.go` beside; Ruby: `spec/…/x_spec.rb` (or `test/…/x_test.rb`
 *   for minitest); Rust: `tests/x.rs`; C#: `tests/Proj.Tests/…/XTests.cs`;
 *   PHP: `tests/…/XTest.php`.
 *
 * A test path is returned as is. When `sourcePath` is no source file (empty,
 * docs, config), the test is named `defaultName` (default `acceptance`) in the
 * dominant language of `knownPaths`.
 */
export function suggestTestPath(
  sourcePath: string,
  knownPaths: readonly string[],
  defaultName = 'acceptance',
): string {
  if (sourcePath !== '' && isTestPath(sourcePath) && languageOf(sourcePath) !== undefined) return sourcePath;
  const language = sourcePath === '' ? undefined : languageOf(sourcePath);
  if (language !== undefined) return suggestFor(language, sourcePath, knownPaths);
  const fallback = dominantLanguage(knownPaths);
  return suggestFor(fallback, DEFAULT_SOURCE[fallback](defaultName), knownPaths);
}
