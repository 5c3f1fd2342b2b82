/**
 * Stable Playwright locators for the elements a crawl records, in the order
 * Playwright's own guidance ranks them: `getByTestId` > `getByRole` with the
 * accessible name > `getByLabel` > `locator('#id')` > a CSS path. A candidate
 * is kept only when, on the page at the time, it resolves to exactly one
 * element and that element is the one being described; otherwise the next one
 * down is tried. Role and name come from Playwright's accessibility snapshot
 * of the element, so they are what `getByRole` itself matches.
 *
 * @module
 */
import type { Locator, Page } from 'playwright-core';

/** Attribute the extraction script puts on each recorded element while its locator is chosen. */
export const REF_ATTRIBUTE = 'data-assay-ref';

/** The facts about one element that locators are built from (collected in the page). */
export interface ElementFacts {
  /** Value of `REF_ATTRIBUTE` on the element. */
  ref: string;
  testId: string | null;
  /** Text of its `<label>` (or aria-label / aria-labelledby), when it has one. */
  label: string | null;
  /** `#id` already CSS-escaped, when the element has an id. */
  idSelector: string | null;
  /** A CSS path from the nearest ancestor with an id (or the root), with `:nth-of-type`. */
  cssPath: string;
}

/** Kinds of locator, best first. */
export type LocatorKind = 'testid' | 'role' | 'label' | 'id' | 'css';

/** A locator as Playwright code (`getByRole('button', { name: 'Save' })`) and its kind. */
export interface LocatorExpression {
  kind: LocatorKind;
  expression: string;
}

/** A JavaScript single-quoted string literal of `text`. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function unquote(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\\(n|r|'|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

const STRING = String.raw`'(?:[^'\\]|\\.)*'`;
const PATTERNS: [LocatorKind, RegExp][] = [
  ['testid', new RegExp(`^getByTestId\\((${STRING})\\)$`)],
  ['role', new RegExp(`^getByRole\\((${STRING})(?:, \\{ name: (${STRING}) \\})?\\)$`)],
  ['label', new RegExp(`^getByLabel\\((${STRING})\\)$`)],
  ['css', new RegExp(`^locator\\((${STRING})\\)$`)],
];

type Role = Parameters<Page['getByRole']>[0];

/**
 * The Playwright locator an expression this module writes stands for, on
 * `page` — the same call the expression would make in a test.
 *
 * @throws Error for an expression that is not one of the five forms.
 */
export function locatorFor(page: Page, expression: string): Locator {
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(expression);
    if (!match?.[1]) continue;
    const first = unquote(match[1]);
    switch (kind) {
      case 'testid':
        return page.getByTestId(first);
      case 'role':
        return match[2]
          ? page.getByRole(first as Role, { name: unquote(match[2]) })
          : page.getByRole(first as Role);
      case 'label':
        return page.getByLabel(first);
      default:
        return page.locator(first);
    }
  }
  throw new Error(`Not a locator expression: ${expression}`);
}

/** Role and accessible name from the first line of an element's aria snapshot (`- button "Save"`). */
export function roleFromAriaSnapshot(snapshot: string): { role: string; name: string } | null {
  const line = snapshot.split('\n')[0] ?? '';
  const match = /^- ([a-z]+)(?: ("(?:[^"\\]|\\.)*"))?/.exec(line.trim());
  if (!match?.[1]) return null;
  let name = '';
  if (match[2]) {
    try {
      name = JSON.parse(match[2]) as string;
    } catch {
      return null;
    }
  }
  // Generic containers and text have no role a test should use.
  if (['generic', 'text', 'none', 'presentation', 'paragraph', 'group'].includes(match[1])) return null;
  return { role: match[1], name };
}

/** The candidates for one element, best first (the role one needs the role and name). */
export function candidates(
  facts: ElementFacts,
  role: { role: string; name: string } | null,
): LocatorExpression[] {
  const out: LocatorExpression[] = [];
  if (facts.testId) out.push({ kind: 'testid', expression: `getByTestId(${quote(facts.testId)})` });
  if (role) {
    out.push({
      kind: 'role',
      expression: role.name
        ? `getByRole(${quote(role.role)}, { name: ${quote(role.name)} })`
        : `getByRole(${quote(role.role)})`,
    });
  }
  if (facts.label) out.push({ kind: 'label', expression: `getByLabel(${quote(facts.label)})` });
  if (facts.idSelector) out.push({ kind: 'id', expression: `locator(${quote(facts.idSelector)})` });
  out.push({ kind: 'css', expression: `locator(${quote(facts.cssPath)})` });
  return out;
}

/** How many elements `expression` matches on `page` and whether the only one is the element `ref`. */
export async function resolvesUniquely(page: Page, expression: string, ref?: string): Promise<boolean> {
  const refs = await locatorFor(page, expression).evaluateAll(
    (elements, attribute) => elements.map((e) => e.getAttribute(attribute)),
    REF_ATTRIBUTE,
  );
  return refs.length === 1 && (ref === undefined || refs[0] === ref);
}

/**
 * The best locator for the element `facts.ref` that resolves to exactly that
 * one element now, or `null` when not even its CSS path does (an element that
 * left the page meanwhile).
 */
export async function chooseLocator(page: Page, facts: ElementFacts): Promise<LocatorExpression | null> {
  const unique = (candidate: LocatorExpression) =>
    resolvesUniquely(page, candidate.expression, facts.ref).catch(() => false);
  const [byTestId] = candidates({ ...facts, label: null, idSelector: null }, null);
  if (facts.testId && byTestId && (await unique(byTestId))) return byTestId;
  // Playwright's own accessibility view of the element: what getByRole matches.
  const element = page.locator(`[${REF_ATTRIBUTE}="${facts.ref}"]`);
  const snapshot = await element.ariaSnapshot({ timeout: 2000 }).catch(() => '');
  for (const candidate of candidates({ ...facts, testId: null }, roleFromAriaSnapshot(snapshot))) {
    if (await unique(candidate)) return candidate;
  }
  return null;
}
