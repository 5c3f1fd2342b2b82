/**
 * Only a proving test carries a TID (issue 25, part 2): after verify, every
 * generated test that is not `proving` — vacuous, failed, not run — is
 * retitled with the draft tag of its criterion (`T12::…` → `R2.3::…`, which
 * the JUnit parser reads as carrying no TID), and TIDs in `describe` titles
 * (which CI would prepend to every test inside) are defused. A person gives
 * a draft its TID back with `POST …/artifacts/{id}/promote`.
 *
 * @module
 */
import ts from 'typescript';
import { quote } from '../../crawl/locators.ts';
import { extractTids } from '../../reports/junit/tids.ts';
import type { PlaywrightFile, Requirement, TestResult } from '../agents.types.ts';
import { locatorsInCode, tidsInCode } from './code-facts.ts';
import { testsInCode } from './test-facts.ts';

const TID_PREFIX = /^\s*T\d+(?:\s*,\s*T\d+)*\s*::\s*/;

/** `text` with every TID a JUnit reader would find turned into plain words (`T12` → `t12`). */
export function defuseTids(text: string): string {
  return extractTids(text, '').length === 0 ? text : text.replace(/\bT(\d+)/g, 't$1');
}

/** The draft tag of the criterion `tid` is (`R2.3`), or the file's requirement id for a TID it does not know. */
export function draftTag(requirements: readonly Requirement[], tid: string | null, fallback: string): string {
  for (const r of requirements) {
    const index = r.acceptanceCriteria.findIndex((c) => c.tid === tid);
    if (index >= 0) return `${r.id}.${index + 1}`;
  }
  return fallback;
}

/** `T12::signs in` → `R1.2::signs in` (tag given), TIDs left anywhere in the rest defused. */
export function draftTitle(title: string, tag: string): string {
  const rest = title.replace(TID_PREFIX, '');
  return `${tag}::${defuseTids(rest)}`;
}

/** The title `title` gets back when promoted with `tid`: the draft tag (`R2.3::`) replaced by the TID. */
export function promotedTitle(title: string, tid: string): string {
  const rest = title.replace(/^\s*R\d+(?:\.\d+)?\s*::\s*/, '').replace(TID_PREFIX, '');
  return `${tid}::${rest}`;
}

function isTestCall(callee: ts.Expression): 'test' | 'describe' | undefined {
  if (ts.isIdentifier(callee)) return callee.text === 'test' || callee.text === 'it' ? 'test' : undefined;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const root = ts.isPropertyAccessExpression(callee.expression) ? callee.expression : callee;
  if (!ts.isIdentifier(root.expression) || root.expression.text !== 'test') return undefined;
  if (root.name.text === 'describe') return 'describe';
  return ['only', 'skip', 'fixme', 'fail', 'slow'].includes(root.name.text) ? 'test' : undefined;
}

/**
 * Rewrites the test titles of `content`: `rename(title, line)` gives a test's
 * new title (or the same); describe titles are defused. Edits are made on
 * the string literals only, so lines stay where they were.
 */
export function rewriteTitles(content: string, rename: (title: string, line: number) => string): string {
  const source = ts.createSourceFile('file.ts', content, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const kind = isTestCall(node.expression);
      const first = node.arguments[0];
      if (kind && first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const next = kind === 'describe' ? defuseTids(first.text) : rename(first.text, line);
        if (next !== first.text)
          edits.push({ start: first.getStart(source), end: first.getEnd(), text: quote(next) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = content;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/**
 * The files as they stand after verify: every test whose result is not
 * `proving` and whose title carries a TID is retitled with its draft tag
 * (`results` in declaration order, as verify lists them); `tids` and
 * `locators` are read again from the code. Returns only the files that
 * changed. Pure.
 */
export function retitleUnproven(
  files: readonly PlaywrightFile[],
  results: readonly TestResult[],
  requirements: readonly Requirement[],
): PlaywrightFile[] {
  const changed: PlaywrightFile[] = [];
  let index = 0;
  for (const file of files) {
    // Results are in the order verify listed them: testsInCode of each file, file after file.
    const outcomes = new Map<number, TestResult | undefined>();
    for (const fact of testsInCode(file.content)) {
      outcomes.set(fact.line, results[index]);
      index += 1;
    }
    const content = rewriteTitles(file.content, (title, line) => {
      const result = outcomes.get(line);
      if (result?.outcome === 'proving' && result.title === title) return title;
      const tids = extractTids(title, '');
      if (tids.length === 0) return defuseTids(title);
      return draftTitle(title, draftTag(requirements, tids[0] ?? null, file.requirementId));
    });
    if (content !== file.content)
      changed.push({ ...file, content, tids: tidsInCode(content), locators: locatorsInCode(content) });
  }
  return changed;
}
