import { describe, expect, it } from 'vitest';
import { renderChecklistComment } from '../../../shared/checklists/checklist-comment.ts';
import { MAX_LINKS_SHOWN, renderManifestComment } from '../../../shared/manifests/manifest-comment.ts';

describe('generated comments stay within GitHub’s 65,536 characters, every list bounded', () => {
  it('a manifest linking ~1,300 issues names 50 and counts the rest, with a link', () => {
    const links = Array.from({ length: 1_300 }, (_, i) => ({
      owner: 'acme',
      repo: i % 2 ? 'web' : 'a-repository-with-a-rather-long-name',
      number: 10_000 + i,
      visible: i % 3 !== 0,
      items: 3,
    }));
    const body = renderManifestComment({
      repoFullName: 'acme/web',
      headSha: 'a'.repeat(40),
      links,
      entries: [],
      detailsUrl: 'https://assay.example.com/api/v1/repos/acme/web/pulls/7',
    });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain(`… and ${(1_300 - MAX_LINKS_SHOWN).toLocaleString('en-US')} more`);
    expect(body).toContain('(https://assay.example.com/api/v1/repos/acme/web/pulls/7)');
    expect(body).toContain('#10001 (3 criteria)');
    expect(body).not.toContain('#11299');
  });

  it('a checklist of 200 long items fits', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      tid: i + 1,
      text: 'ü'.repeat(2_000),
      proven: false,
    }));
    const body = renderChecklistComment(items, { truncated: true, totalFound: 260 });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('**T200**');
  });
});
