/**
 * Gherkin keywords of every language, from Cucumber's published keyword
 * table (`gherkin-languages.json`, shipped by `@cucumber/gherkin`) rather
 * than a hand-written list. Only the JSON table is imported, not the parser.
 *
 * Steps are matched case-insensitively and without diacritics (`GIVEN`,
 * `Etant donne`), followed by a space, a colon or a spaced dash
 * (`GIVEN: …`, `When: …`, `THEN - …`); keywords of scripts without spaces
 * (`假如`, `もし`) need nothing after them.
 *
 * @module
 */
import table from '@cucumber/gherkin/dist/gherkin-languages.json' with { type: 'json' };
import { z } from 'zod';
import { foldCase } from '../similarity/normalize.ts';

/** The part of one language's entry that extraction reads. */
const DialectSchema = z.object({
  given: z.array(z.string()),
  when: z.array(z.string()),
  // biome-ignore lint/suspicious/noThenProperty: the keyword table's own key for `Then` steps.
  then: z.array(z.string()),
  and: z.array(z.string()),
  but: z.array(z.string()),
  scenario: z.array(z.string()),
  scenarioOutline: z.array(z.string()),
  examples: z.array(z.string()),
});
const dialects = z.record(z.string(), DialectSchema).parse(table);

/** The kinds of step keyword in the table. */
export type StepKind = 'given' | 'when' | 'then' | 'and' | 'but';
const STEP_KINDS: readonly StepKind[] = ['given', 'when', 'then', 'and', 'but'];

/** Lower case, diacritics stripped, typographic apostrophes straightened: how keywords are compared. */
export function foldKeyword(text: string): string {
  return foldCase(text).replace(/[’‘`´]/g, "'");
}

interface KeywordInfo {
  /** Languages (table codes) whose table lists the keyword, per kind. */
  readonly kinds: Map<StepKind, Set<string>>;
  /** The table writes it with a trailing space (a word): a boundary must follow. */
  readonly spaced: boolean;
}

const keywords = new Map<string, KeywordInfo>();
for (const [code, dialect] of Object.entries(dialects)) {
  for (const kind of STEP_KINDS) {
    for (const written of dialect[kind]) {
      if (written.trim() === '*') continue;
      const folded = foldKeyword(written.trim());
      const spaced = /\s$/u.test(written) && !/'$/.test(folded);
      let info = keywords.get(folded);
      if (info === undefined) {
        info = { kinds: new Map(), spaced };
        keywords.set(folded, info);
      }
      let langs = info.kinds.get(kind);
      if (langs === undefined) {
        langs = new Set();
        info.kinds.set(kind, langs);
      }
      langs.add(code);
    }
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = [...keywords.keys()].sort((a, b) => b.length - a.length);
const alternation = (list: readonly string[]): string => list.map(escapeRegExp).join('|');
/** After a word keyword: a space, a colon, a spaced dash, or the end. */
const WORD_KEYWORD = new RegExp(
  `^(${alternation(byLength.filter((k) => keywords.get(k)!.spaced))})(?=\\s|[:：]|$)`,
  'u',
);
/** Keywords of scripts without spaces, and elisions (`qu'`). */
const BARE_KEYWORD = new RegExp(`^(${alternation(byLength.filter((k) => !keywords.get(k)!.spaced))})`, 'u');

/** Languages of English, whose keywords are recognised anywhere (the default of every Gherkin file). */
const ENGLISH: ReadonlySet<string> = new Set(['en']);

/** A step keyword found at the start of a line. */
export interface StepMatch {
  /** Kinds the keyword has, with the languages of each. */
  readonly kinds: ReadonlyMap<StepKind, ReadonlySet<string>>;
  /** Every language the keyword belongs to. */
  readonly langs: ReadonlySet<string>;
  /** Length of the keyword in the (folded) line. */
  readonly length: number;
  /** The keyword has at most two letters (`Y`, `E`, `Et`, `En`): too common in prose to open anything. */
  readonly short: boolean;
}

/**
 * The step keyword a line starts with (`Given`, `GIVEN:`, `Étant donné`,
 * `Angenommen`, `Dado`, `假如` … any language of the table), or `null`.
 * The `*` bullet keyword is not matched here.
 */
export function matchStepKeyword(line: string): StepMatch | null {
  const folded = foldKeyword(line.trimStart());
  const found = WORD_KEYWORD.exec(folded) ?? BARE_KEYWORD.exec(folded);
  if (found === null) return null;
  const keyword = found[1]!;
  const info = keywords.get(keyword)!;
  const langs = new Set<string>();
  for (const set of info.kinds.values()) for (const lang of set) langs.add(lang);
  return { kinds: info.kinds, langs, length: keyword.length, short: [...keyword].length <= 2 };
}

/** `true` when the match is a `given` keyword (in any of its languages, or in `langs` when given). */
export function isGivenMatch(match: StepMatch, langs?: ReadonlySet<string>): boolean {
  const given = match.kinds.get('given');
  if (given === undefined) return false;
  return langs === undefined || [...given].some((lang) => langs.has(lang));
}

/** `true` when one of the match's languages is English. */
export function isEnglishMatch(match: StepMatch): boolean {
  return [...match.langs].some((lang) => ENGLISH.has(lang));
}

/**
 * Scenario keywords of every language (`Scenario`, `Scenario Outline`,
 * `Szenario`, `Cenário` …), folded. Those that only mean "example" — the
 * first of a language's several scenario keywords when it is the singular of
 * its `Examples` keyword (`Example`, `Beispiel`, `Exemplo`) — are left to
 * {@link EXAMPLE_KEYWORDS}: in prose, `Example:` rarely opens a scenario.
 */
export const SCENARIO_KEYWORDS: readonly string[] = [];
/** Scenario keywords that mean "example" (recognised inside Gherkin code blocks only). */
export const EXAMPLE_KEYWORDS: readonly string[] = [];
{
  const scenarios = new Set<string>();
  const examples = new Set<string>();
  for (const dialect of Object.values(dialects)) {
    const plural = dialect.examples.map((e) => foldKeyword(e.trim()));
    dialect.scenario.forEach((written, i) => {
      const folded = foldKeyword(written.trim());
      // `Example` (en), `Beispiel` (de), `Exemplo` (pt): the first of several, the singular of `Examples`.
      const exampleLike =
        i === 0 &&
        dialect.scenario.length > 1 &&
        plural.some((p) => p !== folded && (p.startsWith(folded) || folded.startsWith(p)));
      (exampleLike ? examples : scenarios).add(folded);
    });
    for (const written of dialect.scenarioOutline) scenarios.add(foldKeyword(written.trim()));
  }
  for (const k of examples) if (scenarios.has(k)) examples.delete(k);
  (SCENARIO_KEYWORDS as string[]).push(...[...scenarios].sort((a, b) => b.length - a.length));
  (EXAMPLE_KEYWORDS as string[]).push(...[...examples].sort((a, b) => b.length - a.length));
}

/** A scenario header: keyword, optional number, colon, name (`Scenario 2: Sign in`, `Szenario: …`). */
const SCENARIO_HEADER = new RegExp(`^(?:${alternation(SCENARIO_KEYWORDS)})\\s*#?\\d*\\s*[:：]\\s*`, 'u');
const EXAMPLE_HEADER = new RegExp(`^(?:${alternation(EXAMPLE_KEYWORDS)})\\s*#?\\d*\\s*[:：]\\s*`, 'u');

/**
 * The name after a scenario header (`Scenario: Sign in` → `Sign in`), or
 * `null` when `line` is not one. With `examples`, `Example:`-like headers count too.
 */
export function matchScenarioHeader(line: string, examples = false): string | null {
  const trimmed = line.trim();
  const folded = foldKeyword(trimmed);
  const found = SCENARIO_HEADER.exec(folded) ?? (examples ? EXAMPLE_HEADER.exec(folded) : null);
  if (found === null) return null;
  // Folding keeps the length of precomposed text; fall back to the folded name otherwise.
  return folded.length === trimmed.length ? trimmed.slice(found[0].length) : folded.slice(found[0].length);
}
