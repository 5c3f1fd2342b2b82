/** Helpers shared by the report parser tests. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JUnitResult,
  type JUnitSource,
  type JUnitTestCase,
  parseJUnit,
} from '../../../shared/reports/junit/index.ts';
import type { ParseJUnitOptions } from '../../../shared/reports/junit/types.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/reports');

/** Path of a file under `test/fixtures/reports/`. */
export function fixturePath(name: string): string {
  return join(fixtures, name);
}

/** Bytes of a file under `test/fixtures/reports/`. */
export function fixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** Parses and collects every testcase handed to `onTestCase`. */
export async function collect(
  source: JUnitSource,
  options: Omit<ParseJUnitOptions, 'onTestCase'> = {},
): Promise<{ result: JUnitResult; tests: JUnitTestCase[] }> {
  const tests: JUnitTestCase[] = [];
  const result = await parseJUnit(source, { ...options, onTestCase: (t) => void tests.push(t) });
  return { result, tests };
}

/** The testcase called `name` (fails the test when absent). */
export function byName(tests: JUnitTestCase[], name: string): JUnitTestCase {
  const found = tests.find((t) => t.name === name);
  if (found === undefined)
    throw new Error(`no testcase named ${name}; have ${tests.map((t) => t.name).join(', ')}`);
  return found;
}

/** Yields `bytes` in pieces of `size` bytes (1 → one byte at a time). */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Just the counts of a result, for compact assertions. */
export function counts(result: JUnitResult): Record<string, number | boolean> {
  const { valid, suites, tests, passed, failed, errored, skipped, flaky } = result;
  return { valid, suites, tests, passed, failed, errored, skipped, flaky };
}
