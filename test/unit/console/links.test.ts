import { describe, expect, it } from 'vitest';
import { agentRunPageUrl, issuePageUrl, pullPageUrl, repoPageUrl } from '../../../shared/console/links.ts';
import { isApiPath } from '../../../shared/console/paths.ts';

describe('console links: the API path of the resource without /api/v1', () => {
  const base = 'https://assay.example.com/';
  it('links a pull request, one commit of it, an issue, a run and a repository', () => {
    expect(pullPageUrl(base, 'acme/shop', 7)).toBe('https://assay.example.com/repos/acme/shop/pulls/7');
    expect(pullPageUrl(base, 'acme/shop', 7, 'a'.repeat(40))).toBe(
      `https://assay.example.com/repos/acme/shop/pulls/7?sha=${'a'.repeat(40)}`,
    );
    expect(issuePageUrl(base, 'acme/shop', 12)).toBe('https://assay.example.com/repos/acme/shop/issues/12');
    expect(agentRunPageUrl(base, 'acme', '0b7e')).toBe('https://assay.example.com/orgs/acme/agent-runs/0b7e');
    expect(repoPageUrl(base, 'acme/shop')).toBe('https://assay.example.com/repos/acme/shop');
  });

  it('gives the path alone without a public URL, and encodes what a path segment cannot hold', () => {
    expect(pullPageUrl(undefined, 'acme/shop', 1)).toBe('/repos/acme/shop/pulls/1');
    expect(agentRunPageUrl('', 'a b', 'x/y')).toBe('/orgs/a%20b/agent-runs/x%2Fy');
  });
});

describe('which paths the API keeps on the shared origin', () => {
  it.each([
    '/api/v1/me',
    '/api',
    '/auth/github',
    '/webhooks/github',
    '/ci/uploads',
    '/health',
    '/health/ready',
    '/docs',
    '/docs/swagger-ui.css',
    '/openapi.json',
    '/api/v1/orgs/acme/agent-runs/1/events/stream',
  ])('%s is the API', (path) => expect(isApiPath(path)).toBe(true));

  it.each([
    '/',
    '/repos/acme/shop/pulls/7',
    '/orgs/acme/agent-runs/1',
    '/assets/index-1.js',
    '/apis',
    '/docsx',
    '/authors',
  ])('%s is the console', (path) => expect(isApiPath(path)).toBe(false));
});
