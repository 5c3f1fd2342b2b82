/**
 * The state of one open `<testcase>` and how it becomes a {@link JUnitTestCase}.
 *
 * @module
 */
import { truncateText } from '../truncate.ts';
import { parseDurationMs } from './duration.ts';
import { statusFromAttribute, worseStatus } from './status.ts';
import { DetachCache, detach } from './strings.ts';
import { extractTids } from './tids.ts';
import type { JUnitTestCase, TestStatus } from './types.ts';

/** Direct children of `<testcase>` that say something about its outcome. */
export type OutcomeKind = 'error' | 'failure' | 'skipped' | 'retry';

/** Element local name → outcome kind. Reruns and flaky attempts are all `retry`. */
export const OUTCOME_ELEMENTS: ReadonlyMap<string, OutcomeKind> = new Map<string, OutcomeKind>([
  ['error', 'error'],
  ['failure', 'failure'],
  ['skipped', 'skipped'],
  ['flakyFailure', 'retry'],
  ['flakyError', 'retry'],
  ['rerunFailure', 'retry'],
  ['rerunError', 'retry'],
]);

/** Mutable record of a testcase while its element is open. */
export interface OpenCase {
  /** Element depth of the `<testcase>` (root = 1). */
  depth: number;
  suite: string;
  classname: string;
  name: string;
  time: string | undefined;
  file: string | undefined;
  line: string | undefined;
  /** Status implied by `status=` / `result=` attributes. */
  attributeStatus: TestStatus | undefined;
  seen: Record<OutcomeKind, boolean>;
  /** First message per outcome kind; created with the first message (most cases have none). */
  messages: Partial<Record<OutcomeKind, string>> | undefined;
  /** `tid` / `test_id` property values; created with the first one. */
  tidValues: string[] | undefined;
  /** A direct `<properties>` child is open. */
  inProperties: boolean;
}

/** Records the first message of an outcome kind. */
export function setMessage(c: OpenCase, kind: OutcomeKind, message: string): void {
  c.messages ??= {};
  c.messages[kind] ??= message;
}

/** Records a `tid` / `test_id` property value. */
export function addTidValue(c: OpenCase, value: string): void {
  c.tidValues ??= [];
  c.tidValues.push(value);
}

/** Reads the attributes of the start tag being reported. */
export interface AttributeReader {
  attribute(name: string): string | undefined;
}

/** Starts a case from the `<testcase>` element's attributes. */
export function openCase(depth: number, suite: string, attributes: AttributeReader): OpenCase {
  return {
    depth,
    suite,
    classname: attributes.attribute('classname') ?? attributes.attribute('class') ?? '',
    name: attributes.attribute('name') ?? '',
    time: attributes.attribute('time'),
    file: attributes.attribute('file'),
    line: attributes.attribute('line'),
    attributeStatus: worseOptional(
      statusFromAttribute(attributes.attribute('status')),
      statusFromAttribute(attributes.attribute('result')),
    ),
    seen: { error: false, failure: false, skipped: false, retry: false },
    messages: undefined,
    tidValues: undefined,
    inProperties: false,
  };
}

function worseOptional(a: TestStatus | undefined, b: TestStatus | undefined): TestStatus | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return worseStatus(a, b);
}

/** One status from the children seen, by precedence error > failure > skipped > passed. */
export function finalStatus(c: OpenCase): TestStatus {
  const fromChildren: TestStatus = c.seen.error
    ? 'errored'
    : c.seen.failure
      ? 'failed'
      : c.seen.skipped
        ? 'skipped'
        : 'passed';
  return c.attributeStatus === undefined ? fromChildren : worseStatus(fromChildren, c.attributeStatus);
}

const MESSAGE_KIND: Record<TestStatus, OutcomeKind | undefined> = {
  errored: 'error',
  failed: 'failure',
  skipped: 'skipped',
  passed: undefined,
};

function parseLine(line: string | undefined): number | undefined {
  if (line === undefined) return undefined;
  const n = Number(line);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Builds the public records of closed cases. Their strings are detached from
 * the input chunk, so a consumer may keep them without keeping the chunk;
 * classnames and files, which repeat from case to case, are copied once per run
 * of equal values.
 */
export class CaseRecordBuilder {
  private readonly classnames = new DetachCache();
  private readonly files = new DetachCache();

  constructor(private readonly maxMessage: number) {}

  /** The record of a case with its final status. */
  build(c: OpenCase, status: TestStatus, flaky: boolean): JUnitTestCase {
    const kind = flaky ? 'retry' : MESSAGE_KIND[status];
    const raw = kind === undefined ? undefined : c.messages?.[kind];
    const message = raw === undefined ? undefined : truncateText(raw, this.maxMessage);
    return {
      suite: c.suite,
      classname: this.classnames.get(c.classname),
      name: detach(c.name),
      status,
      flaky,
      durationMs: parseDurationMs(c.time),
      message: message === undefined ? undefined : detach(message),
      file: c.file === undefined || c.file === '' ? undefined : this.files.get(c.file),
      line: parseLine(c.line),
      tids: extractTids(c.name, c.classname, c.tidValues),
    };
  }
}
