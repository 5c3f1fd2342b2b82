/**
 * What each test of a generated Playwright file declares and asserts, read
 * from its syntax tree (the TypeScript compiler's parser): its title, where
 * it is (the line Playwright reports as `testInfo.line`), the describe
 * blocks around it, its tags, the paths it opens, and every web-first
 * assertion it makes — `expect(page).toHaveTitle(…)`, `expect(locator).not.toBeVisible()`
 * — with the locator resolved to plain data (`page.getByRole('button', { name: 'Save' }).first()`
 * → steps) so a mutant of the page can break exactly what it checks.
 *
 * Nothing here runs the code; a value the tree does not spell out (a
 * variable that is not a `const` locator, a computed name) makes that
 * assertion unknown, never a guess.
 *
 * @module
 */
import ts from 'typescript';
import { LOCATOR_METHODS } from './code-facts.ts';

/** A literal argument as plain data: a string, number, boolean, a regular expression, or an object of them. */
export type LiteralValue =
  | string
  | number
  | boolean
  | null
  | { readonly regex: string; readonly flags: string }
  | { readonly [key: string]: LiteralValue };

/** One step of a locator chain rooted at `page`. */
export interface LocatorStep {
  /** `getByRole`, `locator`, `first`, `nth`, `filter`, … */
  readonly method: string;
  readonly args: readonly LiteralValue[];
}

/** One web-first assertion of a test. */
export interface AssertionFact {
  /** `toBeVisible`, `toHaveTitle`, … */
  readonly matcher: string;
  /** `.not.` */
  readonly negated: boolean;
  /** `page` for page assertions, a locator chain, or `null` when the subject is anything else (a value). */
  readonly subject: 'page' | readonly LocatorStep[] | null;
  /** The matcher's arguments, `undefined` entries where they are not literals. */
  readonly args: readonly (LiteralValue | undefined)[];
  /** First and last line (1-based) of the whole `expect(…)…(…)` expression. */
  readonly line: number;
  readonly endLine: number;
}

/** One test declared by a file. */
export interface TestFact {
  readonly title: string;
  /** Titles of the enclosing `test.describe` blocks, outermost first. */
  readonly describes: readonly string[];
  /** Line (1-based) of the `test(` call: Playwright's `testInfo.line`. */
  readonly line: number;
  readonly endLine: number;
  /** Tags from the details argument (`{ tag: '@signed-in' }`) and from `@word` in the title. */
  readonly tags: readonly string[];
  /** Literal arguments of `page.goto(…)`, in order. */
  readonly gotos: readonly string[];
  readonly assertions: readonly AssertionFact[];
}

const TEST_MODIFIERS = new Set(['only', 'skip', 'fixme', 'fail', 'slow']);
const CHAIN_METHODS = new Set([...LOCATOR_METHODS, 'first', 'last', 'nth', 'filter', 'and', 'or']);

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('file.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** A literal expression as plain data, or `undefined` when it is not one. */
export function literalOf(node: ts.Expression): LiteralValue | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const inner = literalOf(node.operand);
    return typeof inner === 'number' ? -inner : undefined;
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isRegularExpressionLiteral(node)) {
    const text = node.text;
    const end = text.lastIndexOf('/');
    return { regex: text.slice(1, end), flags: text.slice(end + 1) };
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literalOf(node.expression);
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, LiteralValue> = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p)) return undefined;
      if (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name)) return undefined;
      const value = literalOf(p.initializer);
      if (value === undefined) return undefined;
      out[p.name.text] = value;
    }
    return out;
  }
  return undefined;
}

/** `const x = <expression>` declarations visible from `node` (innermost first), by name. */
function constInitializer(node: ts.Node, name: string): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : undefined;
    if (!statements) continue;
    for (const statement of statements) {
      if (!ts.isVariableStatement(statement)) continue;
      if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
      }
    }
  }
  return undefined;
}

/**
 * The locator chain an expression builds from `page` (`page.getByLabel('Email').first()`),
 * following `const` locators, or `null` when it is not one the tree spells out.
 */
export function locatorChain(node: ts.Expression, depth = 0): LocatorStep[] | 'page' | null {
  if (depth > 20) return null;
  if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node))
    return locatorChain(node.expression, depth + 1);
  if (ts.isIdentifier(node)) {
    if (node.text === 'page') return 'page';
    const init = constInitializer(node, node.text);
    return init ? locatorChain(init, depth + 1) : null;
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (!CHAIN_METHODS.has(method)) return null;
    const base = locatorChain(node.expression.expression, depth + 1);
    if (base === null) return null;
    const args: LiteralValue[] = [];
    for (const a of node.arguments) {
      const value = literalOf(a);
      if (value === undefined) return null;
      args.push(value);
    }
    return [...(base === 'page' ? [] : base), { method, args }];
  }
  return null;
}

/** The `expect(x)` call and `.not` of a matcher's receiver, if it is one. */
function expectOf(receiver: ts.Expression): { call: ts.CallExpression; negated: boolean } | undefined {
  let negated = false;
  let node = receiver;
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'not') {
    negated = true;
    node = node.expression;
  }
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  const isExpect =
    (ts.isIdentifier(callee) && callee.text === 'expect') ||
    (ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'expect' &&
      callee.name.text === 'soft');
  return isExpect ? { call: node, negated } : undefined;
}

function lineOf(source: ts.SourceFile, pos: number): number {
  return source.getLineAndCharacterOfPosition(pos).line + 1;
}

function assertionsIn(body: ts.Node, source: ts.SourceFile): AssertionFact[] {
  const out: AssertionFact[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const found = expectOf(node.expression.expression);
      if (found) {
        const subjectNode = found.call.arguments[0];
        const chain = subjectNode ? locatorChain(subjectNode) : null;
        out.push({
          matcher: node.expression.name.text,
          negated: found.negated,
          subject: chain,
          args: node.arguments.map((a) => literalOf(a)),
          line: lineOf(source, node.getStart(source)),
          endLine: lineOf(source, node.getEnd()),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return out;
}

function gotosIn(body: ts.Node): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'goto'
    ) {
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)))
        out.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return out;
}

function testCallee(callee: ts.Expression): 'test' | 'describe' | undefined {
  if (ts.isIdentifier(callee) && (callee.text === 'test' || callee.text === 'it')) return 'test';
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'test'
  ) {
    if (TEST_MODIFIERS.has(callee.name.text)) return 'test';
    if (callee.name.text === 'describe') return 'describe';
  }
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isPropertyAccessExpression(callee.expression) &&
    ts.isIdentifier(callee.expression.expression) &&
    callee.expression.expression.text === 'test' &&
    callee.expression.name.text === 'describe'
  )
    return 'describe';
  return undefined;
}

function tagsOf(details: ts.Expression | undefined, title: string): string[] {
  const tags = new Set<string>();
  for (const m of title.matchAll(/(?:^|\s)(@[\w-]+)/g)) if (m[1]) tags.add(m[1]);
  const value = details ? literalOf(details) : undefined;
  if (value && typeof value === 'object' && !('regex' in value)) {
    const tag = (value as Record<string, LiteralValue>).tag;
    if (typeof tag === 'string') tags.add(tag);
    if (Array.isArray(tag)) for (const t of tag) if (typeof t === 'string') tags.add(t);
  }
  if (details && ts.isObjectLiteralExpression(details)) {
    for (const p of details.properties) {
      if (
        ts.isPropertyAssignment(p) &&
        ts.isIdentifier(p.name) &&
        p.name.text === 'tag' &&
        ts.isArrayLiteralExpression(p.initializer)
      ) {
        for (const e of p.initializer.elements) if (ts.isStringLiteral(e)) tags.add(e.text);
      }
    }
  }
  return [...tags];
}

/** Every test `code` declares, in order, with what it asserts. Tests with a computed title are left out. */
export function testsInCode(code: string): TestFact[] {
  const source = parse(code);
  const out: TestFact[] = [];
  const visit = (node: ts.Node, describes: readonly string[]): void => {
    if (ts.isCallExpression(node)) {
      const kind = testCallee(node.expression);
      const first = node.arguments[0];
      const title =
        first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))
          ? first.text
          : undefined;
      if (kind === 'describe') {
        const inner = title === undefined ? describes : [...describes, title];
        for (const a of node.arguments) visit(a, inner);
        return;
      }
      if (kind === 'test' && title !== undefined) {
        const body = node.arguments[node.arguments.length - 1];
        const details = node.arguments.length > 2 ? node.arguments[1] : undefined;
        out.push({
          title,
          describes,
          line: lineOf(source, node.getStart(source)),
          endLine: lineOf(source, node.getEnd()),
          tags: tagsOf(details, title),
          gotos: body ? gotosIn(body) : [],
          assertions: body ? assertionsIn(body, source) : [],
        });
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, describes));
  };
  visit(source, []);
  return out;
}

/**
 * Locator calls made outside any `expect(…)` argument, canonical as
 * {@link locatorsInCode} writes them: the elements the test acts on, which
 * must be ones the crawl recorded. What an assertion looks at may be anything.
 */
export function actionLocatorsInCode(code: string, canonical: (call: string) => string): string[] {
  const source = parse(code);
  const out = new Set<string>();
  const visit = (node: ts.Node, inExpect: boolean): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isExpect =
        (ts.isIdentifier(callee) && callee.text === 'expect') ||
        (ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === 'expect');
      if (isExpect) {
        visit(callee, inExpect);
        for (const a of node.arguments) visit(a, true);
        return;
      }
      if (!inExpect && ts.isPropertyAccessExpression(callee) && LOCATOR_METHODS.has(callee.name.text)) {
        out.add(canonical(`${callee.name.text}(${node.arguments.map((a) => a.getText(source)).join(', ')})`));
      }
    }
    ts.forEachChild(node, (child) => visit(child, inExpect));
  };
  visit(source, false);
  return [...out];
}
