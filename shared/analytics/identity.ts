/**
 * A test's identity within a repository: its suite, classname and name —
 * and its file, when the report gives one (issue 28) — normalised (Unicode
 * NFC, runs of whitespace as one space, trimmed), hashed with SHA-256. Names
 * of any length keep distinct identities; what is stored is cut to
 * {@link MAX_STORED_PART} characters per part, flagged `truncated`.
 *
 * Without a file the identity is what it always was (`suite \0 classname \0
 * name`), so tests of reports without files keep their stored identities.
 * With a file, the file (as a repository-relative path where it can be
 * mapped, see `repositoryPath`) is a fourth part: the same name in two files
 * is two tests. `legacyIdentity` is the file-less identity of the same test,
 * which ingest uses to carry a test's stored history over (see `ingest.ts`).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { repositoryPath } from '../reports/repository-path.ts';

/** Longest suite, classname, name or file stored, in characters (the identity hash covers the whole text). */
export const MAX_STORED_PART = 1_000;

/** A test's identity as stored. */
export interface TestIdentity {
  /** SHA-256 hex of `suite \0 classname \0 name`, plus `\0 file` when there is a file; each normalised. */
  identity: string;
  /** SHA-256 hex of `suite \0 classname \0 name` (equal to `identity` when there is no file). */
  legacyIdentity: string;
  suite: string;
  classname: string;
  name: string;
  /** The test's file, repository-relative where it could be mapped; null when the report gave none. */
  file: string | null;
  /** At least one part was longer than {@link MAX_STORED_PART} and is stored cut. */
  truncated: boolean;
}

/** NFC, whitespace runs (tabs, newlines) as one space, trimmed. */
export function normalisePart(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * A report's `file` attribute as part of an identity: the repository-relative
 * path when it can be mapped (`/home/runner/work/app/app/src/a.test.ts`,
 * `D:\a\app\app\src\a.test.ts` and `./src/a.test.ts` are all `src/a.test.ts`),
 * else the text with `\` as `/`; undefined for an absent or blank file.
 */
export function identityFile(file: string | undefined | null, repo?: string): string | undefined {
  if (file === undefined || file === null) return undefined;
  const text = normalisePart(file);
  if (text === '') return undefined;
  return repositoryPath(text, repo === undefined ? {} : { repo }) ?? text.replace(/\\/g, '/');
}

/** Cuts at `max` characters without splitting a surrogate pair. */
function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return value.slice(0, end);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The identity of a test from its suite, classname, name and file (as JUnit
 * gives them). `options.repo` (the repository's name) maps absolute checkout
 * paths of `file` to repository-relative ones.
 */
export function testIdentity(
  test: { suite: string; classname: string; name: string; file?: string | null | undefined },
  options: { repo?: string } = {},
): TestIdentity {
  const suite = normalisePart(test.suite);
  const classname = normalisePart(test.classname);
  const name = normalisePart(test.name);
  const file = identityFile(test.file, options.repo);
  const legacyIdentity = sha256(`${suite}\0${classname}\0${name}`);
  const identity = file === undefined ? legacyIdentity : sha256(`${suite}\0${classname}\0${name}\0${file}`);
  const truncated = [suite, classname, name, file ?? ''].some((part) => part.length > MAX_STORED_PART);
  return {
    identity,
    legacyIdentity,
    suite: cut(suite, MAX_STORED_PART),
    classname: cut(classname, MAX_STORED_PART),
    name: cut(name, MAX_STORED_PART),
    file: file === undefined ? null : cut(file, MAX_STORED_PART),
    truncated,
  };
}
