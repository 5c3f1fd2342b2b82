import { describe, expect, it } from 'vitest';
import { RouteMatcher } from '../../../infra/local/route-matcher.ts';
import type { RouteEntry } from '../../../infra/topology.types.ts';

const entry = (handler: string): RouteEntry => ({ handler, auth: 'public', uses: [] });

describe('RouteMatcher', () => {
  const matcher = new RouteMatcher({
    'GET /repos/{owner}/{repo}': entry('a'),
    'GET /repos/{owner}/settings': entry('b'),
    'POST /repos/{owner}/{repo}': entry('c'),
    'GET /files/{path+}': entry('d'),
  });

  it('extracts decoded path parameters', () => {
    const match = matcher.match('GET', '/repos/acme/my%20app');
    expect(match).toMatchObject({
      routeKey: 'GET /repos/{owner}/{repo}',
      pathParameters: { owner: 'acme', repo: 'my app' },
    });
  });

  it('prefers literal segments over parameters', () => {
    expect(matcher.match('GET', '/repos/acme/settings')).toMatchObject({
      routeKey: 'GET /repos/{owner}/settings',
    });
  });

  it('supports greedy parameters', () => {
    expect(matcher.match('GET', '/files/a/b/c.txt')).toMatchObject({ pathParameters: { path: 'a/b/c.txt' } });
  });

  it('tells an unknown path from a known path with another method', () => {
    expect(matcher.match('GET', '/nothing')).toEqual({ methodNotAllowed: false });
    expect(matcher.match('DELETE', '/repos/a/b')).toEqual({ methodNotAllowed: true });
  });
});
