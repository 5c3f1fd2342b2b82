/**
 * Counting the test-layout conventions a set of repository paths shows, per
 * language family, for {@link suggestTestPath}.
 *
 * @module
 */

/** Language families with a test-layout convention. */
export type Language = 'js' | 'py' | 'jvm' | 'go' | 'rb' | 'rs' | 'cs' | 'php';

const EXTENSIONS: Record<string, Language> = {
  ts: 'js',
  tsx: 'js',
  mts: 'js',
  cts: 'js',
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  vue: 'js',
  svelte: 'js',
  py: 'py',
  java: 'jvm',
  kt: 'jvm',
  scala: 'jvm',
  groovy: 'jvm',
  go: 'go',
  rb: 'rb',
  rs: 'rs',
  cs: 'cs',
  php: 'php',
};

/** The language family of a path, by extension. */
export function languageOf(path: string): Language | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/** How many known tests of a language follow each convention. */
export interface TestStyles {
  /** JS `.test.` / `.spec.` files. */
  test: number;
  spec: number;
  /** Tests under a `__tests__/` directory. */
  nested: number;
  /** Tests next to sources (not under a test root or `__tests__`). */
  beside: number;
  /** The most used test root (`test/`, `tests/`, `test/unit/`, `spec/`) and its count. */
  rootDir?: { prefix: string; count: number };
  /** Python `test_x.py` vs `x_test.py`. */
  prefix: number;
  suffix: number;
  /** Ruby `_spec.rb` vs `_test.rb`. */
  rspec: number;
  minitest: number;
}

const ROOT = /^((?:[^/]+\/)??(?:tests?|spec|__tests__)\/(?:(?:unit|integration|functional|e2e)\/)?)/;

/** Counts the conventions the known test paths of one language follow. */
export function testStyles(known: readonly string[], language: Language): TestStyles {
  const s: TestStyles = {
    test: 0,
    spec: 0,
    nested: 0,
    beside: 0,
    prefix: 0,
    suffix: 0,
    rspec: 0,
    minitest: 0,
  };
  const roots = new Map<string, number>();
  for (const p of known) {
    if (languageOf(p) !== language) continue;
    const file = p.slice(p.lastIndexOf('/') + 1);
    const isJsTest = /\.(?:test|spec)\.[^.]+$/.test(file);
    const isPyPrefix = /^test_.+\.py$/.test(file);
    const isPySuffix = /_test\.py$/.test(file);
    const isRb = /_(?:spec|test)\.rb$/.test(file);
    if (!isJsTest && !isPyPrefix && !isPySuffix && !isRb) continue;
    if (/\.spec\./.test(file) || file.endsWith('_spec.rb')) s.spec++;
    else s.test++;
    if (isPyPrefix) s.prefix++;
    if (isPySuffix) s.suffix++;
    if (file.endsWith('_spec.rb')) s.rspec++;
    if (file.endsWith('_test.rb')) s.minitest++;
    const root = ROOT.exec(p)?.[1];
    if (p.includes('/__tests__/') || p.startsWith('__tests__/')) s.nested++;
    else if (root !== undefined) roots.set(root, (roots.get(root) ?? 0) + 1);
    else s.beside++;
  }
  for (const [prefix, count] of roots) if (count > (s.rootDir?.count ?? 0)) s.rootDir = { prefix, count };
  return s;
}
