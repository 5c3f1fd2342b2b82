/**
 * The first gate for model-written Playwright files (issue 25): an allow-list
 * of what a generated file may contain, read from its syntax tree (the
 * TypeScript compiler's parser). A file outside it is invalid output, and each
 * reason is precise enough for the model to fix it on its one retry.
 *
 * What it admits: named imports from `@playwright/test` only; references to
 * the file's own bindings, to the test API and to a short list of standard
 * and browser globals; property names that are not doors to `Function`,
 * prototypes or Playwright's private API; computed keys only as literals;
 * `test.use` options that do not change how the browser is launched,
 * proxied or connected.
 *
 * This is not the sandbox — JavaScript has many doors, and the runner itself
 * must fork workers and Chromium — it is what "cannot start processes" means
 * at the language level. The sandbox ({@link ./sandbox.ts}) holds when it is
 * bypassed.
 *
 * @module
 */
import ts from 'typescript';

/** What may be imported from `@playwright/test` (values and types). */
const PLAYWRIGHT_IMPORTS = new Set([
  'test',
  'expect',
  'devices',
  'Page',
  'Locator',
  'FrameLocator',
  'Frame',
  'BrowserContext',
  'Browser',
  'APIRequestContext',
  'APIResponse',
  'Response',
  'Request',
  'Route',
  'ElementHandle',
  'JSHandle',
  'TestInfo',
  'Dialog',
  'Download',
  'ConsoleMessage',
  'Keyboard',
  'Mouse',
]);

/** Globals a file may refer to without declaring them. */
const GLOBALS = new Set([
  // ECMAScript
  'undefined',
  'NaN',
  'Infinity',
  'Array',
  'Boolean',
  'Date',
  'Error',
  'TypeError',
  'RangeError',
  'JSON',
  'Math',
  'Number',
  'Object',
  'Promise',
  'RegExp',
  'String',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  // Web platform, present in Node and the browser
  'console',
  'setTimeout',
  'clearTimeout',
  'URL',
  'URLSearchParams',
  // Browser, inside page.evaluate & co
  'window',
  'document',
  'location',
  'navigator',
  'history',
  'localStorage',
  'sessionStorage',
  'getComputedStyle',
  'Element',
  'HTMLElement',
  'HTMLInputElement',
  'HTMLSelectElement',
  'HTMLTextAreaElement',
  'HTMLAnchorElement',
  'HTMLFormElement',
  'HTMLButtonElement',
  'Node',
  'Event',
  'CustomEvent',
  'KeyboardEvent',
  'MouseEvent',
  'innerWidth',
  'innerHeight',
  'scrollX',
  'scrollY',
]);

/** Names that are never allowed, neither as a reference nor as a binding (so a local cannot shadow the check). */
const FORBIDDEN_NAMES = new Set([
  'process',
  'require',
  'module',
  'exports',
  'global',
  'globalThis',
  'self',
  'Function',
  'AsyncFunction',
  'GeneratorFunction',
  'eval',
  'Reflect',
  'Proxy',
  'Buffer',
  'WebAssembly',
  'SharedArrayBuffer',
  'Atomics',
  'Symbol',
  '__dirname',
  '__filename',
  'arguments',
  'Deno',
  'Bun',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'importScripts',
]);

/** Property names that open a door to `Function`, prototypes, the module system or Node's internals. */
const FORBIDDEN_PROPERTIES = new Set([
  'constructor',
  'prototype',
  '__proto__',
  'caller',
  'callee',
  'arguments',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'getPrototypeOf',
  'setPrototypeOf',
  'defineProperty',
  'defineProperties',
  'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
  'mainModule',
  'binding',
  'dlopen',
  'process',
  'require',
  'global',
  'globalThis',
  // Playwright APIs that leave the sandboxed browser or read files on the Node side
  'launch',
  'launchServer',
  'launchPersistentContext',
  'connect',
  'connectOverCDP',
  'newCDPSession',
  'routeFromHAR',
  'addInitScript',
  'exposeFunction',
  'exposeBinding',
]);

/** `test.use({ … })` options a file may set: none changes how the browser is launched, proxied or connected. */
const TEST_USE_OPTIONS = new Set([
  'baseURL',
  'viewport',
  'locale',
  'timezoneId',
  'colorScheme',
  'reducedMotion',
  'extraHTTPHeaders',
  'javaScriptEnabled',
  'isMobile',
  'hasTouch',
  'deviceScaleFactor',
  'geolocation',
  'permissions',
  'actionTimeout',
  'navigationTimeout',
  'testIdAttribute',
  'ignoreHTTPSErrors',
  'httpCredentials',
  'offline',
  'userAgent',
]);

function position(source: ts.SourceFile, node: ts.Node): string {
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return `${line + 1}:${character + 1}`;
}

function literalKey(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node))
    return node.text;
  return null;
}

function isTypePosition(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n) || ts.isTypeAliasDeclaration(n) || ts.isInterfaceDeclaration(n)) return true;
    if (ts.isExpression(n) || ts.isStatement(n)) return false;
  }
  return false;
}

/** Names the file declares anywhere (variables, parameters, functions, classes, imports, catch bindings). */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node))
      addBinding(node.name);
    else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isClassExpression(node)) &&
      node.name
    )
      names.add(node.name.text);
    else if (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) {
      if (node.name) names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Whether `node` (an identifier) is a name rather than a reference: `a.NAME`, `{ NAME: … }`, a declaration's name, a label. */
function isNameOnly(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodSignature(parent)) &&
    parent.name === node
  )
    return true;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === node)
    return true;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return true;
  return false;
}

/**
 * Why `code` is outside the allow-list (`line:col what`), in source order;
 * empty when it is inside. Pure: parses, never runs anything.
 */
export function codePolicyViolations(code: string, fileName = 'file.ts'): string[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declared = declaredNames(source);
  const out: string[] = [];
  const refuse = (node: ts.Node, what: string) => out.push(`${position(source, node)} ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const from = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : '?';
      if (from !== '@playwright/test')
        refuse(node, `imports '${from}': only '@playwright/test' may be imported`);
      const clause = node.importClause;
      if (clause?.name)
        refuse(clause, `a default import from '${from}' is not allowed; import { test, expect }`);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings))
        refuse(clause, `a namespace import (* as …) is not allowed; import { test, expect }`);
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const element of clause.namedBindings.elements) {
          const imported = (element.propertyName ?? element.name).text;
          if (from === '@playwright/test' && !PLAYWRIGHT_IMPORTS.has(imported))
            refuse(
              element,
              `'${imported}' may not be imported from '@playwright/test' (allowed: test, expect and its types)`,
            );
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node)) {
      refuse(node, 'import = / export … from / export = are not allowed');
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      refuse(node, 'dynamic import() is not allowed');
    if (ts.isMetaProperty(node)) refuse(node, `${node.getText(source)} is not allowed`);
    if (ts.isWithStatement(node)) refuse(node, 'with statements are not allowed');
    if (ts.isDebuggerStatement(node)) refuse(node, 'debugger statements are not allowed');
    if (ts.isModuleDeclaration(node)) refuse(node, 'namespace / declare module is not allowed');
    if (ts.isTaggedTemplateExpression(node)) refuse(node, 'tagged templates are not allowed');
    if (ts.isIdentifier(node) && !isTypePosition(node)) {
      const name = node.text;
      if (isNameOnly(node)) {
        if (FORBIDDEN_PROPERTIES.has(name) || name.startsWith('_'))
          refuse(node, `the property '${name}' is not allowed`);
      } else if (FORBIDDEN_NAMES.has(name)) {
        refuse(node, `'${name}' is not allowed`);
      } else if (!declared.has(name) && !GLOBALS.has(name)) {
        refuse(node, `the global '${name}' is not allowed (use the test API and standard built-ins)`);
      }
    }
    if (ts.isElementAccessExpression(node)) {
      const key = literalKey(node.argumentExpression);
      if (key === null)
        refuse(
          node.argumentExpression,
          'computed property access needs a literal key (use .at(i), .nth(i) or a named property)',
        );
      else if (FORBIDDEN_PROPERTIES.has(key) || key.startsWith('_'))
        refuse(node.argumentExpression, `the property '${key}' is not allowed`);
    }
    if (ts.isComputedPropertyName(node)) {
      const key = literalKey(node.expression);
      if (key === null) refuse(node, 'computed property names need a literal key');
      else if (FORBIDDEN_PROPERTIES.has(key) || key.startsWith('_'))
        refuse(node, `the property '${key}' is not allowed`);
    }
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      ts.isPropertyAssignment(node.parent) &&
      node.parent.name === node
    ) {
      if (FORBIDDEN_PROPERTIES.has(node.text) || node.text.startsWith('_'))
        refuse(node, `the property '${node.text}' is not allowed`);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'test' &&
      node.expression.name.text === 'use'
    ) {
      const options = node.arguments[0];
      if (!options || !ts.isObjectLiteralExpression(options))
        refuse(node, 'test.use takes an object literal');
      else
        for (const property of options.properties) {
          const name =
            property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
              ? property.name.text
              : null;
          if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property))
            refuse(property, 'test.use options must be plain properties');
          else if (!name || !TEST_USE_OPTIONS.has(name))
            refuse(
              property,
              `the test.use option '${name ?? property.getText(source)}' is not allowed (it changes how the browser is launched or connected)`,
            );
        }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}
