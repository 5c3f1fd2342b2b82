import type { Code } from 'mdast';
import { type Entry, orderOf } from './entries.ts';
import { collapseWhitespace } from './text.ts';

/**
 * Gherkin scenarios (`Scenario:` / `Scenario Outline:` with Given/When/Then
 * steps), written as plain text or in a ```gherkin / ```feature block. Each
 * scenario becomes one entry, `<name>: <step>; <step>; …`.
 */

const SCENARIO =
  /^(?:scenario(?: outline| template)?|escenario|esquema del escenario|sc[eé]nario|plan du sc[eé]nario|szenario(?:grundriss)?|cen[aá]rio|esquema do cen[aá]rio|schema dello scenario|シナリオ(?:アウトライン)?|场景(?:大纲)?|剧本(?:大纲)?)\s*#?\d*\s*[:：]\s*(.*)$/iu;
const FENCED_SCENARIO = /^(?:example|ejemplo|exemple|beispiel|exemplo|esempio)\s*\d*\s*[:：]\s*(.*)$/iu;
const FEATURE =
  /^(?:feature|rule|ability|business need|caracter[ií]stica|funcionalidad|fonctionnalit[eé]|funktion(?:alit[aä]t)?|regla|r[eè]gle|regel|funcionalidade|funzionalit[aà]|functionaliteit|フィーチャ|功能|规则)\s*[:：]/iu;
const BACKGROUND = /^(?:background|antecedentes|contexte|hintergrund|grundlage|contexto|背景)\s*[:：]/iu;
const EXAMPLES =
  /^(?:examples|scenarios|ejemplos|exemples|beispiele|exemplos|esempi|voorbeelden|例|例子)\s*[:：]/iu;
const GIVEN =
  /^(?:given|dado|dada|dados|dadas|soit|étant donné|etant donne|angenommen|gegeben sei|dato|data|gegeven|前提|假如|假设|假定)(?:\s|$)/iu;
const STEP =
  /^(?:given|when|then|and|but|dado|dada|dados|dadas|cuando|entonces|pero|soit|étant donné|etant donne|quand|lorsque|alors|mais|angenommen|gegeben sei|wenn|dann|und|aber|quando|então|entao|mas|allora|gegeven|als|dan|maar|前提|もし|ならば|かつ|しかし|假如|假设|假定|当|那么|而且|并且|但是)(?:\s|$)/iu;
const FENCE_ONLY_STEP = /^(?:\*|y|e|et|en|ma)\s/iu;
const TAGS = /^@[\p{L}\p{N}_.:-]+(?:\s+@[\p{L}\p{N}_.:-]+)*$/u;
const TABLE_ROW = /^\|.*\|$/;
const GHERKIN_LANGS = new Set(['gherkin', 'feature', 'cucumber']);

/** True when `text` opens a scenario (`Scenario:`, `Scenario Outline:`, `Escenario:`…). */
export function isScenarioHeader(text: string): boolean {
  return SCENARIO.test(text.trim());
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
}

function formatScenario(s: OpenScenario): string {
  const name = s.name.replace(/[:：]\s*$/u, '').trim();
  const steps = s.steps.join('; ');
  if (name && steps) return `${name}: ${steps}`;
  return name || steps;
}

/**
 * Replaces the entries that form Gherkin scenarios by one `scenario` entry
 * per scenario (placed where the scenario starts). Feature descriptions,
 * backgrounds, tags and example tables are consumed without an entry.
 */
export function scanGherkin(entries: readonly Entry[], scan: GherkinScan): Entry[] {
  const out: Entry[] = [];
  let mode: Mode = 'none';
  let open: OpenScenario | null = null;
  const flush = (): void => {
    if (open) {
      const text = formatScenario(open);
      if (text) out.push({ kind: 'scenario', text, order: open.order });
    }
    open = null;
  };
  const isStep = (t: string): boolean => STEP.test(t) || (scan.fenced === true && FENCE_ONLY_STEP.test(t));
  for (const entry of entries) {
    const flat = collapseWhitespace(entry.text);
    const text = scan.fenced ? flat : flat.replace(/^[-*•]\s+/u, '');
    const header = SCENARIO.exec(text) ?? (scan.fenced ? FENCED_SCENARIO.exec(text) : null);
    if (header) {
      flush();
      open = { name: header[1] ?? '', steps: [], order: entry.order };
      mode = 'scenario';
    } else if (FEATURE.test(text) || BACKGROUND.test(text)) {
      flush();
      mode = FEATURE.test(text) ? 'description' : 'background';
    } else if (EXAMPLES.test(text) && mode === 'scenario') {
      mode = 'examples';
    } else if ((TAGS.test(text) || TABLE_ROW.test(text)) && (mode !== 'none' || scan.fenced)) {
      // tags, data tables and example rows carry no criterion text of their own
    } else if (isStep(text) && mode === 'scenario' && open !== null) {
      (open as OpenScenario).steps.push(text);
    } else if (isStep(text) && mode === 'background') {
      // background steps are context shared by every scenario
    } else if (scan.anonymous && GIVEN.test(text) && mode !== 'scenario') {
      flush();
      open = { name: '', steps: [text], order: entry.order };
      mode = 'scenario';
    } else if (mode === 'description') {
      // free text under `Feature:` describes the feature
    } else {
      flush();
      mode = 'none';
      if (scan.keepOthers) out.push(entry);
    }
  }
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
