import type { Code } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import {
  isEnglishMatch,
  isGivenMatch,
  matchScenarioHeader,
  matchStepKeyword,
  type StepMatch,
} from './gherkin-keywords.ts';
import { collapseWhitespace } from './text.ts';

/**
 * Gherkin scenarios (`Scenario:` / `Scenario Outline:` with Given/When/Then
 * steps), written as plain text or in a ```gherkin / ```feature block. Each
 * scenario becomes one entry, `<name>: <step>; <step>; …`.
 *
 * Step keywords are those of every language in Cucumber's keyword table
 * (`gherkin-keywords.ts`), in any case, with a colon or a dash after them
 * (`GIVEN: …`, `THEN - …`), and may be wrapped in emphasis (`_*Étant donné*_`).
 * In prose (outside a Gherkin code block) the table is read with care, since
 * many keywords are ordinary words elsewhere (`Data`, `E`, `Als`): a
 * scenario's steps stay in one language, a keyword of two letters or fewer
 * (`Y`, `Et`) only continues a scenario of its language, and a step-less
 * `Given` opens a scenario only when it is English or the next line is a
 * step of its language.
 */

const SCENARIO =
  /^(?:scenario(?: outline| template)?|escenario|esquema del escenario|sc[eé]nario|plan du sc[eé]nario|szenario(?:grundriss)?|cen[aá]rio|esquema do cen[aá]rio|schema dello scenario|シナリオ(?:アウトライン)?|场景(?:大纲)?|剧本(?:大纲)?)\s*#?\d*\s*[:：]\s*(.*)$/iu;
const FEATURE =
  /^(?:feature|rule|ability|business need|caracter[ií]stica|funcionalidad|fonctionnalit[eé]|funktion(?:alit[aä]t)?|regla|r[eè]gle|regel|funcionalidade|funzionalit[aà]|functionaliteit|フィーチャ|功能|规则)\s*[:：]/iu;
const BACKGROUND = /^(?:background|antecedentes|contexte|hintergrund|grundlage|contexto|背景)\s*[:：]/iu;
const EXAMPLES =
  /^(?:examples|scenarios|ejemplos|exemples|beispiele|exemplos|esempi|voorbeelden|例|例子)\s*[:：]/iu;
const TAGS = /^@[\p{L}\p{N}_.:-]+(?:\s+@[\p{L}\p{N}_.:-]+)*$/u;
const TABLE_ROW = /^\|.*\|$/;
const GHERKIN_LANGS = new Set(['gherkin', 'feature', 'cucumber']);

/** True when `text` opens a scenario (`Scenario:`, `Scenario Outline:`, `Escenario:`…). */
export function isScenarioHeader(text: string): boolean {
  return SCENARIO.test(text.trim()) || matchScenarioHeader(text) !== null;
}

/** The name of the scenario `text` opens, or `null` (`fenced` accepts `Example:`-like headers too). */
function scenarioName(text: string, fenced: boolean): string | null {
  const own = SCENARIO.exec(text);
  if (own) return own[1] ?? '';
  return matchScenarioHeader(text, fenced);
}

/** True for a fenced code block whose language is gherkin, feature or cucumber. */
export function isGherkinCode(code: Code): boolean {
  return GHERKIN_LANGS.has((code.lang ?? '').toLowerCase());
}

/** How to scan a sequence of lines for scenarios. */
export interface GherkinScan {
  /** Treat a run of steps starting with `Given` as a scenario even without a `Scenario:` line. */
  readonly anonymous: boolean;
  /** Keep the entries that are not part of any scenario in the output. */
  readonly keepOthers: boolean;
  /** Lines come from a Gherkin code block (accepts `*`, `Example:` and localized `And`). */
  readonly fenced?: boolean;
}

type Mode = 'none' | 'scenario' | 'examples' | 'background' | 'description';

interface OpenScenario {
  readonly name: string;
  readonly steps: string[];
  readonly order: number;
  /** Languages its steps were written in so far (`undefined` until a step says). */
  langs: Set<string> | undefined;
  /** It began with a step, not a `Scenario:` line. */
  readonly anonymous: boolean;
  /** A `When`/`Then` step was seen: a further `Given` starts the next anonymous scenario. */
  acted: boolean;
}

function formatScenario(s: OpenScenario): string {
  const name = s.name.replace(/[:：]\s*$/u, '').trim();
  const steps = s.steps.join('; ');
  if (name && steps) return `${name}: ${steps}`;
  return name || steps;
}

/** A step line: its text (emphasis around the keyword removed) and the keyword found. */
interface Step {
  readonly text: string;
  /** `null` for the `*` bullet step of Gherkin code. */
  readonly match: StepMatch | null;
}

/**
 * Removes emphasis markers around a leading keyword: `_*Étant donné*_ un
 * utilisateur` → `Étant donné un utilisateur` (Markdown renders them away, but
 * code blocks and plain-inline bodies keep them).
 */
function unwrapKeyword(text: string): string {
  const open = /^[*_]{1,3}(?=[^\s*_])/u.exec(text);
  if (open === null) return text;
  const inner = text.slice(open[0].length);
  const close = /^([^*_]{1,40}?)[*_]{1,3}(?=[\s:：]|$)/u.exec(inner);
  if (close === null) return inner;
  return `${close[1]}${inner.slice(close[0].length)}`;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/**
 * Replaces the entries that form Gherkin scenarios by one `scenario` entry
 * per scenario (placed where the scenario starts). Feature descriptions,
 * backgrounds, tags and example tables are consumed without an entry.
 */
export function scanGherkin(entries: readonly Entry[], scan: GherkinScan): Entry[] {
  const out: Entry[] = [];
  const fenced = scan.fenced === true;
  let mode: Mode = 'none';
  let open: OpenScenario | null = null;
  const flush = (): void => {
    if (open) {
      const text = formatScenario(open);
      if (text) out.push({ kind: 'scenario', text, order: open.order });
    }
    open = null;
  };
  const lineText = (entry: Entry): string => {
    const flat = collapseWhitespace(entry.text);
    return fenced ? flat : flat.replace(/^[-*•]\s+/u, '');
  };
  const stepOf = (text: string): Step | null => {
    if (fenced && /^\*\s/u.test(text)) return { text, match: null };
    const unwrapped = unwrapKeyword(text);
    const match = matchStepKeyword(unwrapped);
    return match === null ? null : { text: unwrapped, match };
  };
  /** In prose, a step continues `scenario` when its keyword is of the scenario's language. */
  const continues = (step: Step, scenario: OpenScenario | null): boolean => {
    if (fenced || step.match === null) return true;
    const langs = scenario?.langs;
    if (langs !== undefined) return intersect(step.match.langs, langs).size > 0;
    return !step.match.short;
  };
  /** A `Given` that may open an anonymous scenario at `entries[i]`. */
  const opensScenario = (step: Step, i: number): boolean => {
    const match = step.match;
    if (match === null || !isGivenMatch(match)) return false;
    if (fenced) return true;
    if (match.short) return false;
    if (isEnglishMatch(match)) return true;
    const next = entries[i + 1];
    const following = next === undefined ? null : stepOf(lineText(next));
    if (following?.match == null) return false;
    return intersect(following.match.langs, match.kinds.get('given') ?? new Set()).size > 0;
  };
  const addStep = (scenario: OpenScenario, step: Step): void => {
    scenario.steps.push(step.text);
    const match = step.match;
    if (match === null) return;
    scenario.langs =
      scenario.langs === undefined ? new Set(match.langs) : intersect(scenario.langs, match.langs);
    if (match.kinds.has('when') || match.kinds.has('then')) scenario.acted = true;
  };
  const start = (name: string, order: number, anonymous: boolean): OpenScenario => ({
    name,
    steps: [],
    order,
    langs: undefined,
    anonymous,
    acted: false,
  });

  entries.forEach((entry, i) => {
    if (entry.kind === 'row' || entry.kind === 'scenario') {
      // A table row or a scenario already read is an item of its own.
      flush();
      mode = 'none';
      if (scan.keepOthers) out.push(entry);
      return;
    }
    const text = lineText(entry);
    const name = scenarioName(text, fenced);
    if (name !== null) {
      flush();
      open = start(name, entry.order, false);
      mode = 'scenario';
      return;
    }
    if (FEATURE.test(text) || BACKGROUND.test(text)) {
      flush();
      mode = FEATURE.test(text) ? 'description' : 'background';
      return;
    }
    if (EXAMPLES.test(text) && mode === 'scenario') {
      mode = 'examples';
      return;
    }
    if ((TAGS.test(text) || TABLE_ROW.test(text)) && (mode !== 'none' || fenced)) {
      // tags, data tables and example rows carry no criterion text of their own
      return;
    }
    const step = stepOf(text);
    const current = open as OpenScenario | null;
    if (step !== null && mode === 'scenario' && current !== null && continues(step, current)) {
      // Consecutive anonymous scenarios: a `Given` after `When`/`Then` starts the next one.
      const next =
        current.anonymous && current.acted && step.match !== null && isGivenMatch(step.match, current.langs);
      if (!next) {
        addStep(current, step);
        return;
      }
    }
    if (step !== null && mode === 'background' && continues(step, null)) {
      // background steps are context shared by every scenario
      return;
    }
    if (scan.anonymous && step !== null && opensScenario(step, i)) {
      flush();
      const scenario = start('', entry.order, true);
      addStep(scenario, step);
      open = scenario;
      mode = 'scenario';
      return;
    }
    if (mode === 'description') {
      // free text under `Feature:` describes the feature
      return;
    }
    flush();
    mode = 'none';
    if (scan.keepOthers) out.push(entry);
  });
  flush();
  return out;
}

/** Scenario entries of a ```gherkin / ```feature code block. */
export function fencedScenarios(code: Code): Entry[] {
  const lines: Entry[] = [];
  let inDocString = false;
  code.value.split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (text.startsWith('"""') || text.startsWith('```')) {
      inDocString = !inDocString;
      return;
    }
    if (inDocString || text === '' || text.startsWith('#')) return;
    lines.push({ kind: 'line', text, order: orderOf(code, i) });
  });
  return scanGherkin(lines, { anonymous: true, keepOthers: false, fenced: true });
}
