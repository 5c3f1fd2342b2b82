/**
 * Type-checks generated Playwright files with the TypeScript compiler API,
 * in memory, against the installed `@playwright/test` typings (strict mode,
 * ES2022 + DOM libs, as a Playwright project would be configured).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const MAX_ERRORS = 100;

/** The directory whose `node_modules` holds `@playwright/test` (the project root). */
export function playwrightProjectRoot(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@playwright/test/package.json');
  return dirname(dirname(dirname(dirname(pkg))));
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: true,
  isolatedModules: true,
  noUnusedLocals: false,
  allowImportingTsExtensions: true,
};

/** Parsed library files (lib.d.ts, Playwright's and Node's typings), kept across checks: they do not change. */
const libraryCache = new Map<string, ts.SourceFile>();

/**
 * The type errors of `files` (`path:line:col message`, at most 100, in file
 * order); empty when every file type-checks. Files are checked as if they
 * lay in a folder of the project root, so `@playwright/test` resolves.
 */
export function typecheckFiles(files: readonly { path: string; content: string }[]): string[] {
  const root = join(playwrightProjectRoot(), '.assay-verify');
  const virtual = new Map(files.map((f) => [join(root, f.path), f.content]));
  const host = ts.createCompilerHost(OPTIONS, true);
  const base = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const content = virtual.get(fileName);
    if (content !== undefined)
      return ts.createSourceFile(fileName, content, language, true, ts.ScriptKind.TS);
    const cached = libraryCache.get(fileName);
    if (cached) return cached;
    const file = base(fileName, language, onError, shouldCreate);
    if (file) libraryCache.set(fileName, file);
    return file;
  };
  const baseExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || baseExists(fileName);
  const baseRead = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(fileName) ?? baseRead(fileName);
  host.writeFile = () => undefined;
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: OPTIONS, host });
  const errors: string[] = [];
  for (const [fileName] of virtual) {
    const source = program.getSourceFile(fileName);
    if (!source) continue;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const d of diagnostics) {
      if (errors.length >= MAX_ERRORS) return errors;
      const relative = fileName.slice(root.length + 1);
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (d.file && d.start !== undefined) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        errors.push(`${relative}:${line + 1}:${character + 1} ${message}`);
      } else {
        errors.push(`${relative} ${message}`);
      }
    }
  }
  for (const d of program.getGlobalDiagnostics()) {
    if (errors.length < MAX_ERRORS) errors.push(ts.flattenDiagnosticMessageText(d.messageText, ' '));
  }
  return errors;
}

/** Whether the `@playwright/test` typings are installed (they are a dependency; false means a broken install). */
export function playwrightTypingsInstalled(): boolean {
  try {
    return existsSync(join(playwrightProjectRoot(), 'node_modules', 'playwright', 'types', 'test.d.ts'));
  } catch {
    return false;
  }
}
