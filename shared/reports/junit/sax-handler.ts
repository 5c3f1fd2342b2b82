/**
 * The JUnit reading proper: an {@link XmlScanner} whose events update counts and
 * the currently open testcase. It holds one open case (a stack only for the odd
 * nested testcase), the stack of open suite names, and the text of one message
 * being captured — nothing per finished testcase, so memory does not grow with
 * the report.
 *
 * @module
 */
import {
  addTidValue,
  CaseRecordBuilder,
  finalStatus,
  type OpenCase,
  OUTCOME_ELEMENTS,
  type OutcomeKind,
  openCase,
  setMessage,
} from './case-builder.ts';
import { parseDurationMs } from './duration.ts';
import { DOCTYPE_REASON } from './prolog-guard.ts';
import { detach } from './strings.ts';
import { TID_PROPERTY_NAMES } from './tids.ts';
import type { JUnitCounts, JUnitTestCase, JUnitTestSuite } from './types.ts';
import { XmlScanner, type XmlSink, XmlSyntaxError } from './xml-scanner.ts';

/** Root elements that JUnit writers use. Any other root must contain suites or cases. */
const JUNIT_ROOTS = new Set(['testsuites', 'testsuite', 'testrun']);

interface Capture {
  kind: OutcomeKind | 'property';
  depth: number;
  text: string;
}

/** Element name without its namespace prefix (`ns2:testcase` → `testcase`). */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Options of {@link JUnitSaxHandler}. */
export interface JUnitSaxHandlerOptions {
  maxMessageLength: number;
  /** Called for each closed testcase; when absent no per-test object is built. */
  emit?: (test: JUnitTestCase) => void;
  /** Called for each closed testsuite. */
  emitSuite?: (suite: JUnitTestSuite) => void;
}

/** What is kept of an open `<testsuite>` until it closes. */
interface OpenSuite {
  depth: number;
  name: string;
  time: string | undefined;
  /** `counts.tests` when the suite opened. */
  testsBefore: number;
}

/** Feeds text to the XML scanner and turns its events into counts and testcases. */
export class JUnitSaxHandler implements XmlSink {
  readonly counts: JUnitCounts = {
    suites: 0,
    tests: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    flaky: 0,
    suiteErrors: 0,
  };
  /** The first problem found; once set, further input is ignored. */
  reason: string | undefined;
  private readonly parser: XmlScanner;
  private depth = 0;
  private root: string | undefined;
  private readonly suites: OpenSuite[] = [];
  private current: OpenCase | undefined;
  private readonly outerCases: OpenCase[] = [];
  private capture: Capture | undefined;
  private readonly records: CaseRecordBuilder;

  constructor(private readonly options: JUnitSaxHandlerOptions) {
    this.records = new CaseRecordBuilder(options.maxMessageLength);
    // XML 1.1 rules, so character references to control characters (`&#x1B;`,
    // the ANSI escapes test output is full of) are accepted; raw control
    // characters are still refused.
    this.parser = new XmlScanner(this);
  }

  /** Parses the next piece of text. */
  write(text: string): void {
    if (this.reason === undefined) this.guard(() => this.parser.write(text));
  }

  /** Ends the document: reports truncation and non-JUnit roots. */
  close(): void {
    if (this.reason !== undefined) return;
    this.guard(() => this.parser.close());
    if (this.reason !== undefined) return;
    const root = this.root ?? '';
    if (!JUNIT_ROOTS.has(root) && this.counts.suites === 0 && this.counts.tests === 0) {
      this.fail(
        `not a JUnit report: the root element is <${root}>, with no <testsuite> or <testcase> inside`,
      );
    }
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (!(err instanceof XmlSyntaxError)) throw err;
      this.fail(describeSaxError(err.message));
    }
  }

  private fail(reason: string): void {
    this.reason ??= reason;
  }

  /** {@link XmlSink}: character data is wanted while a message or property value is captured. */
  get wantsText(): boolean {
    return this.capture !== undefined;
  }

  /** {@link XmlSink}: the prolog guard refuses DTDs first; this catches one anywhere else. */
  doctype(): void {
    this.fail(DOCTYPE_REASON);
  }

  /** {@link XmlSink}: a start tag. */
  openTag(name: string): void {
    const depth = ++this.depth;
    const local = localName(name);
    const attributes = this.parser;
    if (depth === 1) this.root = local;
    if (local === 'testsuite') {
      this.counts.suites++;
      this.suites.push({
        depth,
        name: detach(attributes.attribute('name') ?? ''),
        time: this.options.emitSuite ? attributes.attribute('time') : undefined,
        testsBefore: this.counts.tests,
      });
      return;
    }
    if (local === 'testcase') {
      if (this.current !== undefined) this.outerCases.push(this.current);
      this.current = openCase(depth, this.suites.at(-1)?.name ?? '', attributes);
      return;
    }
    const c = this.current;
    if (c === undefined) {
      if ((local === 'error' || local === 'failure') && this.suites.at(-1)?.depth === depth - 1) {
        this.counts.suiteErrors++;
      }
      return;
    }
    if (depth === c.depth + 1) {
      const kind = OUTCOME_ELEMENTS.get(local);
      if (kind !== undefined) {
        c.seen[kind] = true;
        if (c.messages?.[kind] !== undefined || this.capture !== undefined) return;
        const message = attributes.attribute('message');
        if (nonEmpty(message)) setMessage(c, kind, message);
        else this.startCapture(kind, depth);
      } else if (local === 'properties') {
        c.inProperties = true;
      }
    } else if (local === 'property' && c.inProperties && depth === c.depth + 2) {
      if (!TID_PROPERTY_NAMES.has((attributes.attribute('name') ?? '').toLowerCase())) return;
      const value = attributes.attribute('value');
      if (value !== undefined) addTidValue(c, value);
      else if (this.capture === undefined) this.startCapture('property', depth);
    }
  }

  /** {@link XmlSink}: an end tag. */
  closeTag(): void {
    const depth = this.depth--;
    if (this.capture !== undefined && this.capture.depth === depth) this.endCapture();
    if (this.suites.at(-1)?.depth === depth) this.closeSuite(this.suites.pop()!);
    const c = this.current;
    if (c === undefined) return;
    if (depth === c.depth) {
      this.finishCase(c);
      this.current = this.outerCases.pop();
    } else if (depth === c.depth + 1) {
      c.inProperties = false;
    }
  }

  /** {@link XmlSink}: captured character data. */
  text(text: string): void {
    const capture = this.capture;
    if (capture === undefined) return;
    // Keep a little more than the limit: leading whitespace is trimmed later.
    const room = this.options.maxMessageLength + 256 - capture.text.length;
    if (room > 0) capture.text += text.length <= room ? text : text.slice(0, room);
  }

  private startCapture(kind: Capture['kind'], depth: number): void {
    this.capture = { kind, depth, text: '' };
  }

  private endCapture(): void {
    const capture = this.capture;
    this.capture = undefined;
    const c = this.current;
    if (capture === undefined || c === undefined) return;
    if (capture.kind === 'property') addTidValue(c, capture.text);
    else if (capture.text.trim() !== '') setMessage(c, capture.kind, capture.text);
  }

  private closeSuite(suite: OpenSuite): void {
    const emit = this.options.emitSuite;
    if (emit === undefined) return;
    const durationMs = parseDurationMs(suite.time);
    const record: JUnitTestSuite = {
      name: suite.name,
      level: this.suites.length + 1,
      tests: this.counts.tests - suite.testsBefore,
    };
    if (durationMs !== undefined) record.durationMs = durationMs;
    emit(record);
  }

  private finishCase(c: OpenCase): void {
    const status = finalStatus(c);
    const flaky = status === 'passed' && c.seen.retry;
    const counts = this.counts;
    counts.tests++;
    counts[status]++;
    if (flaky) counts.flaky++;
    this.options.emit?.(this.records.build(c, status, flaky));
  }
}

/** The scanner says `"12:4: unclosed tag: testcase"` (saxes' wording); users get a sentence. */
export function describeSaxError(message: string): string {
  const match = /^(\d+):(\d+): (.*)$/s.exec(message);
  const where = match ? ` (line ${match[1]}, column ${match[2]})` : '';
  const what = (match?.[3] ?? message).replace(/\.$/, '');
  if (what.startsWith('unclosed tag: ')) {
    return `truncated XML: the file ends inside <${what.slice('unclosed tag: '.length)}>${where}`;
  }
  if (what === 'unexpected end') return `truncated XML: the file ends in the middle of markup${where}`;
  if (what === 'document must contain a root element') return 'not XML: no root element';
  if (what === 'undefined entity') return `malformed XML: reference to an undefined entity${where}`;
  return `malformed XML: ${what}${where}`;
}
