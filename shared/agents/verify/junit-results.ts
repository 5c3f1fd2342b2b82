/**
 * The per-test results of a Playwright JUnit report, as verify needs them:
 * each testcase's file (`classname`), name (`describe › title`), status,
 * and — for a failure — the line of the test file it failed at (the
 * `at …/tests/r1.spec.ts:12:7` of the failure text). Read with `saxes`, like
 * `shared/reports/junit`; counts come from that parser, not from here.
 *
 * @module
 */
import { SaxesParser } from 'saxes';

/** One testcase of the report. */
export interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The failure's `type` (`expect.toBeVisible` for an assertion), when failed. */
  readonly failureType?: string;
  /** Line of `file` the failure points at, when the text names one. */
  readonly failureLine?: number;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line of the first stack frame in `file` (`    at /run/tests/r1.spec.ts:12:7`) of a failure's text. */
export function failureLineOf(text: string, file: string): number | undefined {
  const match = new RegExp(`^\\s*at (?:.*?[(/\\s])?${escapeRegex(file)}:(\\d+):\\d+\\)?\\s*$`, 'm').exec(
    text,
  );
  return match ? Number(match[1]) : undefined;
}

/** The testcases of a JUnit report, in order. Malformed XML ends the list where it breaks. */
export function caseResults(xml: string): CaseResult[] {
  const out: CaseResult[] = [];
  const parser = new SaxesParser({ xmlns: false });
  let current: {
    file: string;
    name: string;
    status: CaseResult['status'];
    type?: string;
    text: string;
  } | null = null;
  let inFailure = false;
  parser.on('opentag', (tag) => {
    const attr = (name: string) => {
      const value = tag.attributes[name];
      return typeof value === 'string' ? value : '';
    };
    if (tag.name === 'testcase')
      current = { file: attr('classname'), name: attr('name'), status: 'passed', text: '' };
    else if (current && (tag.name === 'failure' || tag.name === 'error')) {
      current.status = 'failed';
      current.type ??= attr('type');
      inFailure = true;
    } else if (current && tag.name === 'skipped' && current.status === 'passed') current.status = 'skipped';
  });
  const onText = (text: string) => {
    if (current && inFailure && current.text.length < 100_000) current.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure' || tag.name === 'error') inFailure = false;
    if (tag.name === 'testcase' && current) {
      const line = current.status === 'failed' ? failureLineOf(current.text, current.file) : undefined;
      out.push({
        file: current.file,
        name: current.name,
        status: current.status,
        ...(current.type ? { failureType: current.type } : {}),
        ...(line !== undefined ? { failureLine: line } : {}),
      });
      current = null;
    }
  });
  try {
    parser.write(xml).close();
  } catch {
    // what was read so far stands
  }
  return out;
}
