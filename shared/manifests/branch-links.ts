/**
 * An issue number in a branch name (`feature/12-login`, `12-login`, `fix-12`).
 *
 * The rule: the name is split into `/` segments and each segment into tokens at
 * `-`, `_` and `.`. A token that is all digits is the issue number when it
 * - starts its segment (`12-login`, `feature/12-login`, `bug/12`), or
 * - follows one of the words `issue(s)`, `fix(es)`, `bug`, `gh`, `hotfix`,
 *   `feature`, `feat`, `close(s)`, `resolve(s)`, `ticket`, `task`
 *   (`fix-12`, `issue_12`, `gh-12`, `feature-12-x`),
 *
 * and is not followed by another all-digit token (dates `2024-03-cleanup`,
 * dashed versions `1-2-3`). Digits glued to letters never count
 * (`oauth2-login`, `h1-fix`, `PROJ-123` after a non-listed word). Version-like
 * segments (`1.2`, `v2`, `v1.4.0-rc`) are skipped, and so are bot and tooling
 * branches (`dependabot/…`, `renovate/…`, `release(s)/…`, `snyk-…`,
 * `revert-12-…` whose number is a pull request, `gh-readonly-queue/…`,
 * `gh-pages`). Numbers above 9,999,999 or zero are not issue numbers. The first
 * match wins.
 *
 * @module
 */

const SKIP_PREFIX =
  /^(?:dependabot|renovate|releases?|snyk-|revert-|gh-readonly-queue|gh-pages|pre-commit-ci)/i;
const VERSION_SEGMENT = /(?:^|[^A-Za-z])v?\d+\.\d+|^v\d+(?:[-_.].*)?$/i;
const LEAD_WORDS: ReadonlySet<string> = new Set([
  'issue',
  'issues',
  'fix',
  'fixes',
  'bug',
  'gh',
  'hotfix',
  'feature',
  'feat',
  'close',
  'closes',
  'resolve',
  'resolves',
  'ticket',
  'task',
]);
const DIGITS = /^\d{1,7}$/;

/** The issue number a branch name carries, or `undefined`; see the module notes for the rule. */
export function parseBranchIssue(branch: string): number | undefined {
  const name = branch.replace(/^refs\/heads\//, '');
  if (SKIP_PREFIX.test(name)) return undefined;
  for (const segment of name.split('/')) {
    if (VERSION_SEGMENT.test(segment)) continue;
    const tokens = segment.split(/[-_.]+/);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (!DIGITS.test(token)) continue;
      const next = tokens[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) break;
      const lead = i === 0 || LEAD_WORDS.has(tokens[i - 1]!.toLowerCase());
      const n = Number(token);
      if (lead && n > 0) return n;
    }
  }
  return undefined;
}
