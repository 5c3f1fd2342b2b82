/**
 * How the offline agents tie a criterion to the app under test: the crawled
 * page whose title, headings, labels and buttons share the most words with
 * the criterion, and the form fields and buttons on it that the criterion
 * names (all of the page's first form when it names none). The QA agent
 * writes steps from a plan and the automation agent code, so both describe
 * the same page and elements. Pure and deterministic.
 *
 * @module
 */
import type { CrawlFacts, TestCase } from '../agents.types.ts';

export type CrawlPage = CrawlFacts['pages'][number];
export type CrawlForm = CrawlPage['forms'][number];
export type CrawlField = CrawlForm['fields'][number];

/** A field with a recorded locator. */
export type LocatedField = CrawlField & { readonly locator: string };

/** The page and elements a test of one criterion exercises. */
export interface Plan {
  readonly page: CrawlPage;
  /** Path and query of the page, what `page.goto` is given under `baseURL`. */
  readonly path: string;
  readonly fields: readonly LocatedField[];
  readonly buttons: readonly { readonly name: string; readonly locator: string }[];
  /** The submit of the form the fields belong to, when recorded. */
  readonly submit: { readonly text: string; readonly locator: string } | null;
  /** Required fields of that form (what an empty submit leaves invalid). */
  readonly required: readonly LocatedField[];
}

const STOP = new Set(
  'the a an and or of to in on for with from by at is are be as it its this that these those user users page can should must shall will when then given into via not no all any each every has have'.split(
    ' ',
  ),
);

/** Lower-case word stems of `text` (≥ 3 letters, stop words dropped, cut to 6 letters). */
export function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word.length < 3 || STOP.has(word)) continue;
    out.add(word.slice(0, 6));
  }
  return out;
}

function overlap(a: Set<string>, text: string | null | undefined): number {
  if (!text) return 0;
  let n = 0;
  for (const stem of stems(text)) if (a.has(stem)) n += 1;
  return n;
}

const FORM_WORDS =
  /\b(enter|fill|type|submit|form|field|input|email|password|sign|log ?in|register|search|filter|send|quantity)\w*/i;
const NEGATIVE_WORDS =
  /\b(reject|invalid|error|empty|blank|missing|required|wrong|incorrect|not allowed|cannot|can't|must not|without|fail)\w*/i;

/** Whether a criterion is about refusing bad input. */
export function isNegative(text: string): boolean {
  return NEGATIVE_WORDS.test(text);
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

const FILLABLE = new Set(['text', 'email', 'password', 'search', 'tel', 'url', 'number', 'textarea', 'date']);

/** Whether the offline automation can fill a field of this type and assert its value. */
export function isFillable(field: CrawlField): boolean {
  return FILLABLE.has(field.type);
}

/**
 * How much a page is about `words` (stems of a criterion): shared stems with
 * its title (×3), path and headings (×2), field labels, submit texts and
 * button names (×1).
 */
export function pageScore(words: Set<string>, page: CrawlPage): number {
  let score = overlap(words, page.title) * 3 + overlap(words, pathOf(page.url).replace(/[/?=&-]/g, ' ')) * 2;
  for (const h of page.headings) score += overlap(words, h.text) * 2;
  for (const form of page.forms) {
    for (const f of form.fields) score += overlap(words, f.label ?? f.name);
    score += overlap(words, form.submit?.text);
  }
  for (const b of page.buttons) score += overlap(words, b.name);
  return score;
}

/**
 * The plan for `text` (a requirement's title and one criterion) on `crawl`,
 * or null when the crawl read no page.
 */
export function planFor(text: string, crawl: CrawlFacts): Plan | null {
  const words = stems(text);
  const formish = FORM_WORDS.test(text);
  let best: CrawlPage | null = null;
  let bestScore = -1;
  for (const page of crawl.pages) {
    let score = pageScore(words, page);
    if (formish && page.forms.some((f) => f.fields.some((x) => x.locator))) score += 2;
    if (score > bestScore) {
      best = page;
      bestScore = score;
    }
  }
  if (!best) return null;
  const page = best;
  // The form whose fields the text names most (its first form otherwise).
  let form: CrawlForm | null = null;
  let formScore = -1;
  for (const candidate of page.forms) {
    const located = candidate.fields.filter((f) => f.locator && f.type !== 'hidden');
    if (located.length === 0) continue;
    const score =
      located.reduce((n, f) => n + overlap(words, f.label ?? f.name), 0) +
      overlap(words, candidate.submit?.text);
    if (score > formScore) {
      form = candidate;
      formScore = score;
    }
  }
  const located = (form?.fields ?? []).filter(
    (f): f is LocatedField => f.locator !== null && f.type !== 'hidden',
  );
  const submit = form?.submit?.locator ? { text: form.submit.text, locator: form.submit.locator } : null;
  const allButtons = page.buttons.filter(
    (b): b is { name: string; locator: string } => b.locator !== null && b.locator !== submit?.locator,
  );
  const namedButtons = allButtons.filter((b) => overlap(words, b.name) > 0);
  const named = located.filter((f) => overlap(words, f.label ?? f.name) > 0);
  // Named elements win; with none named, the form's fields, else the page's buttons.
  const fields = (named.length > 0 ? named : namedButtons.length > 0 ? [] : located).slice(0, 6);
  const buttons = (namedButtons.length > 0 ? namedButtons : fields.length > 0 ? [] : allButtons).slice(0, 3);
  return {
    page,
    path: pathOf(page.url),
    fields,
    buttons,
    submit,
    required: located.filter((f) => f.required),
  };
}

/** A sample value for a fillable field, by type. */
export function sampleValue(field: CrawlField): string {
  switch (field.type) {
    case 'email':
      return 'qa.tester@example.com';
    case 'password':
      return 'Correct-Horse-42';
    case 'number':
      return '2';
    case 'tel':
      return '+44 20 7946 0000';
    case 'url':
      return 'https://example.com/';
    case 'date':
      return '2030-01-31';
    case 'textarea':
      return 'Written by the Assay QA agent.';
    case 'search':
      return 'test';
    default:
      return 'Assay test';
  }
}

/** A field's name for people: its label, else its `name`, else its type. */
export function fieldName(field: CrawlField): string {
  return (field.label ?? field.name ?? field.type).trim();
}

/** Whether a test case exercises refusal of bad input on a plan (needs required fields and a submit). */
export function negativeMode(testCase: Pick<TestCase, 'type'>, plan: Plan | null): boolean {
  return testCase.type === 'negative' && plan !== null && plan.required.length > 0 && plan.submit !== null;
}
