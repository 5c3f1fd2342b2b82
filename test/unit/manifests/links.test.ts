import { describe, expect, it } from 'vitest';
import { parseBranchIssue, parseLinkedIssues } from '../../../shared/manifests/links.ts';
import { LINK_CASES } from './links-corpus.ts';

describe('parseLinkedIssues corpus', () => {
  it('has at least 60 cases', () => {
    expect(LINK_CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(LINK_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const links = parseLinkedIssues({
      title: c.title ?? '',
      body: c.body === undefined ? '' : c.body,
      headRef: c.branch ?? 'topic',
      repoFullName: c.repo ?? 'acme/web',
      ...(c.webUrl === undefined ? {} : { webUrl: c.webUrl }),
    });
    const got = links.map((l) => `${l.owner}/${l.repo}#${l.number}${l.via === 'branch' ? '@branch' : ''}`);
    expect(got.map((s) => s.toLowerCase())).toEqual(c.expect.map((s) => s.toLowerCase()));
  });
});

describe('parseLinkedIssues details', () => {
  it('keeps the keyword as written and the first spelling of a duplicate', () => {
    const links = parseLinkedIssues({
      title: '',
      body: 'RESOLVES: Octo/Repo#5, closes octo/repo#5',
      headRef: 'x',
      repoFullName: 'a/b',
    });
    expect(links).toEqual([{ owner: 'Octo', repo: 'Repo', number: 5, via: 'keyword', keyword: 'RESOLVES' }]);
  });

  it('fills implicit references from the PR repository and marks branch links', () => {
    const links = parseLinkedIssues({
      title: 'Fix #1',
      body: null,
      headRef: 'feature/2-x',
      repoFullName: 'o/r',
    });
    expect(links).toEqual([
      { owner: 'o', repo: 'r', number: 1, via: 'keyword', keyword: 'Fix' },
      { owner: 'o', repo: 'r', number: 2, via: 'branch' },
    ]);
  });

  it('copes with a huge body', () => {
    const body = `${'Some text without links.\n\n'.repeat(5000)}Fixes #9`;
    expect(() => parseLinkedIssues({ title: '', body, headRef: 'x', repoFullName: 'o/r' })).not.toThrow();
  });
});

describe('parseBranchIssue', () => {
  it('reads refs/heads/ names and ignores leading zeros', () => {
    expect(parseBranchIssue('refs/heads/feature/0012-x')).toBe(12);
  });
  it('rejects huge numbers', () => {
    expect(parseBranchIssue('12345678-x')).toBeUndefined();
  });
});
