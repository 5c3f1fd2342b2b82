/**
 * What a generated Playwright file does, read from its syntax tree (the
 * TypeScript compiler's parser), not from what the model says it does: the
 * locator calls it makes and the titles of its tests.
 *
 * @module
 */
import ts from 'typescript';
import { quote } from '../../crawl/locators.ts';
import { extractTids } from '../../reports/junit/tids.ts';

/** Playwright methods that create a locator. */
export const LOCATOR_METHODS: ReadonlySet<string> = new Set([
  'locator',
  'getByRole',
  'getByLabel',
  'getByTestId',
  'getByText',
  'getByPlaceholder',
  'getByAltText',
  'getByTitle',
  'frameLocator',
]);

const TEST_MODIFIERS = new Set(['only', 'skip', 'fixme', 'fail', 'slow']);

function canonicalArgument(node: ts.Expression, source: ts.SourceFile): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return quote(node.text);
  if (ts.isObjectLiteralExpression(node)) {
    const parts = node.properties.map((p) => {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
        return `${p.name.text}: ${canonicalArgument(p.initializer, source)}`;
      }
      return p.getText(source);
    });
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  return node.getText(source).replace(/\s+/g, ' ');
}

/**
 * A locator call as the crawl writes locators: `getByRole('button', { name:
 * 'Save' })` — method, then arguments with strings single-quoted, whatever
 * quotes or spacing the code used.
 */
function canonicalCall(call: ts.CallExpression, method: string, source: ts.SourceFile): string {
  return `${method}(${call.arguments.map((a) => canonicalArgument(a, source)).join(', ')})`;
}

function parse(code: string, fileName = 'file.ts'): ts.SourceFile {
  return ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Every locator call in `code` (canonical form, in order, duplicates removed). */
export function locatorsInCode(code: string): string[] {
  const source = parse(code);
  const out = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (LOCATOR_METHODS.has(method)) out.add(canonicalCall(node, method, source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...out];
}

/** The canonical form of a recorded locator expression (`getByRole("button", {name: "Save"})` → `getByRole('button', { name: 'Save' })`). */
export function canonicalLocator(expression: string): string {
  return locatorsInCode(`page.${expression};`)[0] ?? expression;
}

/** Titles of the tests `code` declares (`test('T12::…', …)`, `test.only(…)`, …), in order. */
export function testTitlesInCode(code: string): string[] {
  const source = parse(code);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isTest =
        (ts.isIdentifier(callee) && (callee.text === 'test' || callee.text === 'it')) ||
        (ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === 'test' &&
          TEST_MODIFIERS.has(callee.name.text));
      const first = node.arguments[0];
      if (isTest && first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        out.push(first.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** TIDs the tests of `code` carry in their titles (`T12::…`), sorted, unique. */
export function tidsInCode(code: string): string[] {
  const tids = new Set<string>();
  for (const title of testTitlesInCode(code)) for (const tid of extractTids(title, '')) tids.add(tid);
  return [...tids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** Whether `code` parses (syntax only; types are not checked). The runner cannot load a file that does not. */
export function parses(code: string): boolean {
  const { diagnostics } = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return (diagnostics ?? []).length === 0;
}
