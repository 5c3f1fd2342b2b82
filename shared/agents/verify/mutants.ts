/**
 * Mutants of the app under test, made in the browser: for an assertion a
 * generated test makes, a change to the page the browser shows that breaks
 * exactly what the assertion checks — the asserted element removed, its
 * text, value, checked or disabled state, attribute or property changed,
 * the title or URL changed; for a negated assertion (`not.toBeVisible()`,
 * `toBeHidden()`, `toHaveCount(0)`) the opposite: an element it says is
 * absent added. A test that still passes when what it asserts is broken
 * proves nothing (issue 25, part 2).
 *
 * The change is an init script (`context.addInitScript`) of a fixture that
 * verify puts in the run folder: `tsconfig.json` maps `@playwright/test` to
 * it (Playwright honours `paths`), so the generated files run unchanged.
 * The script resolves the locator in the page with a small reimplementation
 * of Playwright's `getBy*` rules (role, accessible name, label, text,
 * test id, placeholder, alt, title, CSS) and re-applies the change on every
 * DOM mutation, so an element rendered later is broken too. Pages reached
 * over HTTPS are mutated the same way (the guard only sees their tunnels).
 *
 * @module
 */
import type { AssertionFact, LiteralValue, LocatorStep, TestFact } from './test-facts.ts';

/** One change to the page. `target` is a locator chain rooted at `page`. */
export type Mutation =
  | { readonly kind: 'title'; readonly to: string }
  | { readonly kind: 'url'; readonly to: string }
  | { readonly kind: 'remove'; readonly target: readonly LocatorStep[] }
  | { readonly kind: 'add'; readonly target: readonly LocatorStep[] }
  | { readonly kind: 'text'; readonly target: readonly LocatorStep[]; readonly to: string }
  | { readonly kind: 'value'; readonly target: readonly LocatorStep[] }
  | { readonly kind: 'checked'; readonly target: readonly LocatorStep[]; readonly to: boolean }
  | { readonly kind: 'disabled'; readonly target: readonly LocatorStep[]; readonly to: boolean }
  | {
      readonly kind: 'attribute';
      readonly target: readonly LocatorStep[];
      readonly name: string;
      readonly to: string | null;
    }
  | {
      readonly kind: 'property';
      readonly target: readonly LocatorStep[];
      readonly name: string;
      readonly to: string | number | boolean;
    };

/** What a positive title or URL assertion is broken with. */
export const MUTANT_TITLE = 'Assay mutant';
export const MUTANT_PATH = '/assay-mutant';

/** Matchers whose positive form needs the element to exist (removing it breaks them). */
const NEEDS_ELEMENT = new Set([
  'toBeVisible',
  'toBeAttached',
  'toBeInViewport',
  'toBeFocused',
  'toBeEditable',
  'toHaveAccessibleName',
  'toHaveAccessibleDescription',
  'toHaveRole',
  'toHaveClass',
  'toContainClass',
  'toHaveCSS',
  'toHaveId',
  'toHaveScreenshot',
  'toMatchAriaSnapshot',
  'toHaveValues',
]);

function changed(value: LiteralValue | undefined): string | number | boolean | undefined {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value} (mutant)`;
  return undefined;
}

/** Whether a locator chain can be built as a new element (its last step names one). */
function buildable(target: readonly LocatorStep[]): boolean {
  const last = target[target.length - 1];
  if (!last) return false;
  if (last.method === 'locator')
    return typeof last.args[0] === 'string' && /^[#.]?[\w-]+$/.test(last.args[0]);
  return [
    'getByRole',
    'getByText',
    'getByLabel',
    'getByTestId',
    'getByPlaceholder',
    'getByAltText',
    'getByTitle',
  ].includes(last.method);
}

/**
 * The mutation that breaks `assertion`, or `null` when there is none (an
 * assertion on a value rather than the page, a matcher or argument the tree
 * does not spell out). Pure.
 */
export function mutationFor(assertion: AssertionFact): Mutation | null {
  const { subject, matcher, negated, args } = assertion;
  const first = args[0];
  if (subject === null) return null;
  if (subject === 'page') {
    if (matcher === 'toHaveTitle') {
      if (!negated) return { kind: 'title', to: MUTANT_TITLE };
      return typeof first === 'string' ? { kind: 'title', to: first } : null;
    }
    if (matcher === 'toHaveURL') {
      if (!negated) return { kind: 'url', to: MUTANT_PATH };
      return typeof first === 'string' ? { kind: 'url', to: first } : null;
    }
    return null;
  }
  const target = subject;
  if (target.length === 0) return null;
  const remove: Mutation = { kind: 'remove', target };
  const add: Mutation | null = buildable(target) ? { kind: 'add', target } : null;
  switch (matcher) {
    case 'toBeHidden':
      return negated ? remove : add;
    case 'toHaveCount': {
      if (typeof first !== 'number') return null;
      if (!negated) return first === 0 ? add : remove;
      return first === 0 ? remove : null;
    }
    case 'toHaveText':
    case 'toContainText':
      return negated ? null : { kind: 'text', target, to: MUTANT_TITLE };
    case 'toBeEmpty':
      return negated ? null : { kind: 'text', target, to: MUTANT_TITLE };
    case 'toHaveValue':
      return negated ? null : { kind: 'value', target };
    case 'toBeChecked': {
      const options = first && typeof first === 'object' && !('regex' in first) ? first : undefined;
      const expected = options?.checked !== false;
      return { kind: 'checked', target, to: negated ? expected : !expected };
    }
    case 'toBeEnabled':
      return { kind: 'disabled', target, to: !negated };
    case 'toBeDisabled':
      return { kind: 'disabled', target, to: negated };
    case 'toHaveAttribute': {
      if (typeof first !== 'string') return null;
      const value = args[1];
      if (!negated)
        return {
          kind: 'attribute',
          target,
          name: first,
          to: typeof value === 'string' ? `${value}-mutant` : null,
        };
      if (args.length === 1) return { kind: 'attribute', target, name: first, to: '' };
      return typeof value === 'string' ? { kind: 'attribute', target, name: first, to: value } : null;
    }
    case 'toHaveJSProperty': {
      if (typeof first !== 'string') return null;
      const value = args[1];
      if (negated) {
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? { kind: 'property', target, name: first, to: value }
          : null;
      }
      const to = changed(value);
      return to === undefined ? null : { kind: 'property', target, name: first, to };
    }
    case 'toBeVisible':
    case 'toBeAttached':
    case 'toBeInViewport':
      return negated ? add : remove;
    default:
      return !negated && NEEDS_ELEMENT.has(matcher) ? remove : null;
  }
}

/** The assertions of a test that a mutant can break, with their mutations, in order. */
export function mutableAssertions(test: TestFact): { assertion: AssertionFact; mutation: Mutation }[] {
  return test.assertions.flatMap((assertion) => {
    const mutation = mutationFor(assertion);
    return mutation ? [{ assertion, mutation }] : [];
  });
}

/** Key of a test in a mutant plan: its file and the line of its `test(` call. */
export function testKey(path: string, line: number): string {
  return `${path}:${line}`;
}

/**
 * The browser side, as source: `(function (mutations) { … })`. Plain
 * ES2020 in a string (it runs in the page, not in Node), leaving no global
 * behind.
 */
export const MUTANT_BROWSER_SCRIPT = String.raw`(function (mutations) {
  var norm = function (s) { return String(s == null ? '' : s).replace(/\s+/g, ' ').trim(); };
  var toRegex = function (v) { return v && typeof v === 'object' && typeof v.regex === 'string' ? new RegExp(v.regex, v.flags) : null; };
  var matches = function (text, want, exact) {
    var re = toRegex(want);
    if (re) { re.lastIndex = 0; return re.test(text); }
    if (typeof want !== 'string') return false;
    var t = norm(text), w = norm(want);
    return exact ? t === w : t.toLowerCase().indexOf(w.toLowerCase()) !== -1;
  };
  var implicitRole = function (el) {
    var tag = el.localName, type = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'a' || tag === 'area') return el.hasAttribute('href') ? 'link' : null;
    if (tag === 'button') return 'button';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].indexOf(type) !== -1) return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'radio') return 'radio';
      if (type === 'range') return 'slider';
      if (type === 'number') return 'spinbutton';
      if (type === 'search') return el.hasAttribute('list') ? 'combobox' : 'searchbox';
      if (type === 'hidden') return null;
      return el.hasAttribute('list') ? 'combobox' : 'textbox';
    }
    if (tag === 'select') return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'img') return el.getAttribute('alt') === '' ? 'presentation' : 'img';
    var map = { nav: 'navigation', main: 'main', header: 'banner', footer: 'contentinfo', aside: 'complementary',
      form: 'form', ul: 'list', ol: 'list', li: 'listitem', table: 'table', tr: 'row', td: 'cell', th: 'columnheader',
      dialog: 'dialog', option: 'option', p: 'paragraph', fieldset: 'group', progress: 'progressbar',
      article: 'article', hr: 'separator', section: 'region', output: 'status', details: 'group', summary: 'button',
      menu: 'list', dl: 'list', tbody: 'rowgroup', thead: 'rowgroup', tfoot: 'rowgroup', figure: 'figure' };
    return map[tag] || null;
  };
  var roleOf = function (el) {
    var explicit = norm(el.getAttribute('role')).split(' ')[0];
    return explicit || implicitRole(el);
  };
  var textOf = function (el) { return norm(el.innerText !== undefined && el.isConnected ? el.innerText || el.textContent : el.textContent); };
  var labelsOf = function (el) {
    var out = [];
    if (el.labels) for (var i = 0; i < el.labels.length; i++) out.push(textOf(el.labels[i]));
    var by = el.getAttribute('aria-labelledby');
    if (by) by.split(/\s+/).forEach(function (id) { var l = document.getElementById(id); if (l) out.push(textOf(l)); });
    if (el.hasAttribute('aria-label')) out.push(norm(el.getAttribute('aria-label')));
    return out;
  };
  var FROM_CONTENT = ['button', 'link', 'heading', 'cell', 'columnheader', 'rowheader', 'option', 'tab', 'menuitem',
    'checkbox', 'radio', 'switch', 'treeitem', 'listitem', 'tooltip', 'row', 'status', 'alert'];
  var nameOf = function (el, role) {
    var by = el.getAttribute('aria-labelledby');
    if (by) return norm(by.split(/\s+/).map(function (id) { var l = document.getElementById(id); return l ? textOf(l) : ''; }).join(' '));
    if (el.hasAttribute('aria-label') && norm(el.getAttribute('aria-label'))) return norm(el.getAttribute('aria-label'));
    if (el.labels && el.labels.length) return norm(Array.prototype.map.call(el.labels, textOf).join(' '));
    if (el.localName === 'img' || (el.localName === 'input' && el.type === 'image')) { if (el.getAttribute('alt')) return norm(el.getAttribute('alt')); }
    if (el.localName === 'input' && ['submit', 'reset', 'button'].indexOf(el.type) !== -1)
      return norm(el.value || (el.type === 'submit' ? 'Submit' : el.type === 'reset' ? 'Reset' : ''));
    if (FROM_CONTENT.indexOf(role) !== -1) { var t = textOf(el); if (t) return t; }
    if (el.localName === 'fieldset') { var lg = el.querySelector('legend'); if (lg) return textOf(lg); }
    if (el.localName === 'table') { var cap = el.querySelector('caption'); if (cap) return textOf(cap); }
    if (el.hasAttribute('title')) return norm(el.getAttribute('title'));
    if (el.hasAttribute('placeholder')) return norm(el.getAttribute('placeholder'));
    return '';
  };
  var descendants = function (scope) {
    var root = scope.nodeType === 9 ? scope.documentElement : scope;
    if (!root) return [];
    var all = Array.prototype.slice.call(root.querySelectorAll('*'));
    if (scope.nodeType !== 9) return all;
    return [root].concat(all);
  };
  var optionsOf = function (step) { var o = step.args[1]; return o && typeof o === 'object' && !toRegex(o) ? o : {}; };
  var byText = function (els, want, exact) {
    var hits = els.filter(function (el) {
      if (['script', 'style', 'head', 'title', 'noscript', 'template'].indexOf(el.localName) !== -1) return false;
      return matches(textOf(el), want, exact);
    });
    return hits.filter(function (el) { return !hits.some(function (o) { return o !== el && el.contains(o); }); });
  };
  var CONTROLS = 'input,select,textarea,button,meter,output,progress,[role]';
  var step = function (scopes, s) {
    var a = s.args[0], o = optionsOf(s), out = [];
    scopes.forEach(function (scope) {
      var els = descendants(scope);
      var add = function (list) { list.forEach(function (el) { if (out.indexOf(el) === -1) out.push(el); }); };
      switch (s.method) {
        case 'locator':
          if (typeof a !== 'string' || /^(text|role|xpath|internal|id|data-testid)=|>>|:has-text|:text/.test(a)) throw new Error('unsupported');
          add(Array.prototype.slice.call((scope.nodeType === 9 ? scope : scope).querySelectorAll(a)));
          break;
        case 'getByRole':
          add(els.filter(function (el) {
            var role = roleOf(el);
            if (role !== a) return false;
            if (o.name === undefined) return true;
            return matches(nameOf(el, role), o.name, o.exact === true);
          }));
          break;
        case 'getByText': add(byText(els, a, optionsOf(s).exact === true)); break;
        case 'getByLabel':
          add(els.filter(function (el) {
            if (!el.matches(CONTROLS) && !el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby')) return false;
            return labelsOf(el).some(function (l) { return matches(l, a, o.exact === true); });
          }));
          break;
        case 'getByTestId':
          add(els.filter(function (el) { var v = el.getAttribute('data-testid'); var re = toRegex(a); return v !== null && (re ? re.test(v) : v === a); }));
          break;
        case 'getByPlaceholder':
          add(els.filter(function (el) { return el.hasAttribute('placeholder') && matches(el.getAttribute('placeholder'), a, o.exact === true); }));
          break;
        case 'getByAltText':
          add(els.filter(function (el) { return el.hasAttribute('alt') && matches(el.getAttribute('alt'), a, o.exact === true); }));
          break;
        case 'getByTitle':
          add(els.filter(function (el) { return el.hasAttribute('title') && matches(el.getAttribute('title'), a, o.exact === true); }));
          break;
        default: throw new Error('unsupported');
      }
    });
    return out;
  };
  var resolve = function (target) {
    var current = [document];
    for (var i = 0; i < target.length; i++) {
      var s = target[i];
      if (s.method === 'first') current = current.slice(0, 1);
      else if (s.method === 'last') current = current.slice(-1);
      else if (s.method === 'nth') { var n = s.args[0]; current = typeof n === 'number' ? (n < 0 ? current.slice(n, n === -1 ? undefined : n + 1) : current.slice(n, n + 1)) : []; }
      else if (s.method === 'filter') {
        var f = s.args[0] || {};
        current = current.filter(function (el) {
          if (el.nodeType === 9) return false;
          if (f.hasText !== undefined && !matches(textOf(el), f.hasText, false)) return false;
          if (f.hasNotText !== undefined && matches(textOf(el), f.hasNotText, false)) return false;
          return f.hasText !== undefined || f.hasNotText !== undefined || f.visible !== undefined;
        });
      } else current = step(current, s);
    }
    return current.filter(function (el) { return el.nodeType === 1; });
  };
  var build = function (target) {
    var last = target[target.length - 1], a = last.args[0], o = optionsOf(last), el;
    var text = typeof a === 'string' ? a : 'Assay mutant';
    switch (last.method) {
      case 'getByRole':
        el = document.createElement(a === 'button' ? 'button' : a === 'link' ? 'a' : a === 'heading' ? 'h2' : 'div');
        if (a === 'link') el.setAttribute('href', '#assay-mutant');
        if (['button', 'link', 'heading'].indexOf(a) === -1) el.setAttribute('role', a);
        el.textContent = typeof o.name === 'string' ? o.name : 'Assay mutant';
        if (typeof o.name === 'string') el.setAttribute('aria-label', o.name);
        break;
      case 'getByLabel': el = document.createElement('input'); el.setAttribute('aria-label', text); break;
      case 'getByPlaceholder': el = document.createElement('input'); el.setAttribute('placeholder', text); break;
      case 'getByAltText': el = document.createElement('img'); el.setAttribute('alt', text); el.setAttribute('width', '10'); el.setAttribute('height', '10'); break;
      case 'getByTitle': el = document.createElement('span'); el.setAttribute('title', text); el.textContent = text; break;
      case 'getByTestId': el = document.createElement('div'); el.setAttribute('data-testid', text); el.textContent = text; break;
      case 'locator':
        if (a.charAt(0) === '#') { el = document.createElement('div'); el.id = a.slice(1); }
        else if (a.charAt(0) === '.') { el = document.createElement('div'); el.className = a.slice(1); }
        else el = document.createElement(a);
        el.textContent = 'Assay mutant';
        break;
      default: el = document.createElement('p'); el.textContent = text;
    }
    return el;
  };
  var added = new Map(), touched = new WeakSet();
  var after = function (fn) { setTimeout(fn, 0); };
  var origReplace = history.replaceState;
  var samePlace = function (to) {
    try { var u = new URL(to, location.href); return u.origin === location.origin ? u : null; } catch (e) { return null; }
  };
  var applyOne = function (m, index) {
    if (m.kind === 'title') { if (document.title !== m.to && document.documentElement) document.title = m.to; return; }
    if (m.kind === 'url') {
      var u = samePlace(m.to);
      if (u && location.pathname + location.search !== u.pathname + u.search) origReplace.call(history, history.state, '', u.pathname + u.search + u.hash);
      return;
    }
    var els;
    try { els = resolve(m.target); } catch (e) { return; }
    if (m.kind === 'add') {
      var made = added.get(index);
      if (!made) { try { made = build(m.target); } catch (e) { return; } added.set(index, made); }
      if (!made.isConnected) {
        var scope = m.target.length > 1 ? (function () { try { return resolve(m.target.slice(0, -1))[0]; } catch (e) { return null; } })() : null;
        var parent = scope || document.body;
        if (parent) parent.appendChild(made);
      }
      return;
    }
    els.forEach(function (el) {
      if (m.kind === 'remove') { if (!Array.from(added.values()).includes(el)) el.remove(); return; }
      if (m.kind === 'text') { if (!touched.has(el)) { touched.add(el); el.textContent = m.to; } return; }
      if (m.kind === 'value') {
        if (!touched.has(el)) {
          touched.add(el);
          var spoil = function () {
            var t = (el.type || '').toLowerCase();
            if (el.localName === 'select') { el.selectedIndex = el.options.length > 1 ? (el.selectedIndex + 1) % el.options.length : -1; return; }
            if (t === 'number' || t === 'range') { el.value = String((Number(el.value) || 0) + 1); return; }
            if (t === 'date') { el.value = el.value === '1999-01-01' ? '1999-01-02' : '1999-01-01'; return; }
            el.value = el.value ? el.value + 'x' : 'Assay mutant';
          };
          ['input', 'change'].forEach(function (type) { el.addEventListener(type, function () { after(spoil); }); });
          spoil();
        }
        return;
      }
      if (m.kind === 'checked') {
        if (el.checked !== undefined && el.checked !== m.to) el.checked = m.to;
        if (el.getAttribute('aria-checked') !== null && el.getAttribute('aria-checked') !== String(m.to)) el.setAttribute('aria-checked', String(m.to));
        if (!touched.has(el)) { touched.add(el); ['change', 'click'].forEach(function (type) { el.addEventListener(type, function () { after(function () { if (el.checked !== undefined) el.checked = m.to; }); }); }); }
        return;
      }
      if (m.kind === 'disabled') {
        if (m.to && !el.hasAttribute('disabled')) { el.setAttribute('disabled', ''); el.setAttribute('aria-disabled', 'true'); }
        if (!m.to && (el.hasAttribute('disabled') || el.getAttribute('aria-disabled') === 'true')) { el.removeAttribute('disabled'); el.removeAttribute('aria-disabled'); }
        return;
      }
      if (m.kind === 'attribute') {
        if (m.to === null) { if (el.hasAttribute(m.name)) el.removeAttribute(m.name); }
        else if (el.getAttribute(m.name) !== m.to) el.setAttribute(m.name, m.to);
        return;
      }
      if (m.kind === 'property') {
        var current = el[m.name];
        if (current !== m.to && (current === undefined || typeof current === typeof m.to)) { try { el[m.name] = m.to; } catch (e) { /* read-only */ } }
      }
    });
  };
  var scheduled = false;
  var pass = function () {
    scheduled = false;
    mutations.forEach(function (m, i) { try { applyOne(m, i); } catch (e) { /* the page goes on */ } });
  };
  var schedule = function () { if (!scheduled) { scheduled = true; Promise.resolve().then(pass); } };
  new MutationObserver(schedule).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  var origPush = history.pushState;
  history.pushState = function () { var r = origPush.apply(history, arguments); schedule(); return r; };
  history.replaceState = function () { var r = origReplace.apply(history, arguments); schedule(); return r; };
  window.addEventListener('popstate', schedule);
  document.addEventListener('DOMContentLoaded', schedule);
  window.addEventListener('load', schedule);
  schedule();
})`;

/** How long an assertion waits in a mutant run (ms): a broken assertion fails once this passes. */
export const MUTANT_EXPECT_TIMEOUT_MS = 2_000;

/**
 * The fixture module verify writes to the run folder for a mutant run: it
 * re-exports `base` — the module that `@playwright/test` resolves to in the
 * run folder without the fixture, i.e. the runner's navigation-guarded test
 * (`GUARDED_PLAYWRIGHT_TEST` of `run-tests.ts`), so the sandbox's checks on
 * every `goto` and `baseURL` hold in mutant runs too — with a `test` extended
 * from that one whose automatic fixture adds the init script of the test's
 * mutations, and skips tests the plan has none for. `plan` maps
 * {@link testKey} to mutations. `base` must not be `@playwright/test` itself
 * (the `tsconfig.json` of {@link mutantTsconfig} maps that name to this file).
 */
export function mutantFixtureSource(
  plan: Readonly<Record<string, readonly Mutation[]>>,
  base: string,
): string {
  if (base === '@playwright/test') throw new Error('the mutant fixture cannot extend the name it replaces');
  const from = JSON.stringify(base);
  return `// Written by Assay verify: the mutant of the app each test runs against (shared/agents/verify/mutants.ts).
import { expect as baseExpect, test as base } from ${from};

export * from ${from};

const PLAN: Record<string, unknown[]> = ${JSON.stringify(plan)};
const SCRIPT = ${JSON.stringify(MUTANT_BROWSER_SCRIPT)};

export const expect = baseExpect.configure({ timeout: ${MUTANT_EXPECT_TIMEOUT_MS} });

export const test = base.extend<{ assayMutant: void }>({
  assayMutant: [
    async ({ context }, use, testInfo) => {
      const dir = testInfo.project.testDir.replace(/\\\\/g, '/').replace(/\\/$/, '');
      const file = testInfo.file.replace(/\\\\/g, '/');
      const relative = file.startsWith(dir + '/') ? file.slice(dir.length + 1) : file;
      const mutations = PLAN[relative + ':' + testInfo.line];
      testInfo.skip(!mutations, 'no mutant for this test');
      await context.addInitScript({ content: '(' + SCRIPT + ')(' + JSON.stringify(mutations) + ');' });
      await use();
    },
    { auto: true },
  ],
});

export default test;
`;
}

/** `tsconfig.json` of a mutant run: `@playwright/test` resolves to the fixture. */
export function mutantTsconfig(fixturePath: string): string {
  return `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@playwright/test': [`./${fixturePath}`] } } }, null, 2)}\n`;
}
