/**
 * A test's identity within a repository: its suite, classname and name,
 * normalised (Unicode NFC, runs of whitespace as one space, trimmed), hashed
 * with SHA-256. Names of any length keep distinct identities; what is stored
 * is cut to {@link MAX_STORED_PART} characters per part, flagged `truncated`.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Longest suite, classname or name stored, in characters (the identity hash covers the whole text). */
export const MAX_STORED_PART = 1_000;

/** A test's identity as stored. */
export interface TestIdentity {
  /** SHA-256 hex of `suite \0 classname \0 name`, each normalised. */
  identity: string;
  suite: string;
  classname: string;
  name: string;
  /** At least one part was longer than {@link MAX_STORED_PART} and is stored cut. */
  truncated: boolean;
}

/** NFC, whitespace runs (tabs, newlines) as one space, trimmed. */
export function normalisePart(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Cuts at `max` characters without splitting a surrogate pair. */
function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return value.slice(0, end);
}

/** The identity of a test from its suite, classname and name (as JUnit gives them). */
export function testIdentity(test: { suite: string; classname: string; name: string }): TestIdentity {
  const suite = normalisePart(test.suite);
  const classname = normalisePart(test.classname);
  const name = normalisePart(test.name);
  const identity = createHash('sha256').update(`${suite}\0${classname}\0${name}`).digest('hex');
  const truncated = [suite, classname, name].some((part) => part.length > MAX_STORED_PART);
  return {
    identity,
    suite: cut(suite, MAX_STORED_PART),
    classname: cut(classname, MAX_STORED_PART),
    name: cut(name, MAX_STORED_PART),
    truncated,
  };
}
