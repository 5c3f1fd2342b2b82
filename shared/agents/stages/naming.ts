/**
 * How generated tests are named. A test of a criterion with a TID is titled
 * `T12::<title>` (SPEC §4's name prefix, which `shared/reports/junit` reads
 * back). A test of a proposed criterion, which has no TID yet, is titled
 * `R2.3::<title>` — requirement id, then the criterion's 1-based position —
 * which carries no TID for the JUnit parser (it needs `T<digits>::`), so such
 * a test proves nothing until a human adds the criterion to an issue and the
 * file is regenerated or edited.
 *
 * @module
 */
import type { Requirement, TestCase } from '../agents.types.ts';

/** The prefix of a test's title: its TID, or `R<n>.<criterion number>` for a proposed criterion. */
export function testTag(testCase: Pick<TestCase, 'tid' | 'requirementId' | 'criterionIndex'>): string {
  return testCase.tid ?? `${testCase.requirementId}.${testCase.criterionIndex + 1}`;
}

/** `T12::rejects an invalid email`. */
export function testTitle(
  testCase: Pick<TestCase, 'tid' | 'requirementId' | 'criterionIndex' | 'title'>,
): string {
  return `${testTag(testCase)}::${testCase.title.replace(/\s+/g, ' ').trim()}`;
}

/** `tests/r1-sign-in.spec.ts`: the file of a requirement. */
export function specPath(requirement: Pick<Requirement, 'id' | 'title'>): string {
  const slug = requirement.title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return `tests/${requirement.id.toLowerCase()}${slug ? `-${slug}` : ''}.spec.ts`;
}
