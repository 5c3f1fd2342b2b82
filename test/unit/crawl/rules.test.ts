import { describe, expect, it } from 'vitest';
import { CRAWL_LIMITS, crawlRequestSchema } from '../../../shared/crawl/crawl.types.ts';
import { candidates, quote, roleFromAriaSnapshot } from '../../../shared/crawl/locators.ts';
import { openLoginValues, sealLoginValues } from '../../../shared/crawl/login-secrets.ts';
import { excludeMatcher, robotsRules } from '../../../shared/crawl/rules.ts';
import { inScope, isFetchableScheme, isLogoutLike, normaliseUrl } from '../../../shared/crawl/urls.ts';

describe('URL normalisation and scope', () => {
  it('drops fragments, keeps queries, lower-cases hosts and removes default ports', () => {
    expect(normaliseUrl('HTTP://Example.COM:80/a/../b?x=1&y=2#top')).toBe('http://example.com/b?x=1&y=2');
    expect(normaliseUrl('https://example.com:443')).toBe('https://example.com/');
    expect(normaliseUrl('../c#f', 'http://example.com/a/b/')).toBe('http://example.com/a/c');
    expect(normaliseUrl('?page=2', 'http://example.com/cal?page=1')).toBe('http://example.com/cal?page=2');
    expect(normaliseUrl('http://')).toBeNull();
  });

  it('same-origin needs scheme, host and port; same-hostname only the host name', () => {
    const start = 'http://app.test:3000/';
    expect(inScope('http://app.test:3000/x', start, 'same-origin')).toBe(true);
    expect(inScope('https://app.test:3000/x', start, 'same-origin')).toBe(false);
    expect(inScope('http://app.test:3001/x', start, 'same-origin')).toBe(false);
    expect(inScope('https://app.test/x', start, 'same-hostname')).toBe(true);
    expect(inScope('http://api.app.test:3000/', start, 'same-hostname')).toBe(false);
    expect(inScope('mailto:a@app.test', start, 'same-hostname')).toBe(false);
  });

  it('fetches http(s) only', () => {
    for (const href of [
      'mailto:a@b.c',
      'tel:+1',
      'javascript:void(0)',
      'data:text/html,x',
      'ftp://x/',
      'file:///x',
    ])
      expect(isFetchableScheme(href), href).toBe(false);
    expect(isFetchableScheme('https://x.test/')).toBe(true);
  });

  it('recognises logout-like links', () => {
    for (const url of [
      'http://a.test/logout',
      'http://a.test/log-out',
      'http://a.test/users/sign_out',
      'http://a.test/sign-out?next=/',
      'http://a.test/auth/logoff',
      'http://a.test/account?action=logout',
      'http://a.test/signout',
    ])
      expect(isLogoutLike(url), url).toBe(true);
    for (const url of ['http://a.test/blog/logging-outside', 'http://a.test/signup', 'http://a.test/outlook'])
      expect(isLogoutLike(url), url).toBe(false);
  });
});

describe('exclude globs and robots.txt', () => {
  it('matches globs against the path and against path with query', () => {
    const excluded = excludeMatcher(['/admin/**', '**/*.pdf', '/calendar?page=*']);
    expect(excluded('http://a.test/admin/users/1')).toBe(true);
    expect(excluded('http://a.test/files/x.pdf')).toBe(true);
    expect(excluded('http://a.test/calendar?page=4')).toBe(true);
    expect(excluded('http://a.test/calendar')).toBe(false);
    expect(excluded('http://a.test/administrator')).toBe(false);
    expect(excludeMatcher([])('http://a.test/anything')).toBe(false);
  });

  it('obeys robots.txt for our agent, and RFC 9309 for missing or failing files', () => {
    const body =
      'User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: AssayCrawler\nDisallow: /no-assay\n';
    const rules = robotsRules('http://a.test/robots.txt', 200, body);
    expect(rules.allows('http://a.test/no-assay/x')).toBe(false);
    // A group naming us replaces the * group.
    expect(rules.allows('http://a.test/private/x')).toBe(true);
    expect(rules.allows('http://a.test/')).toBe(true);
    const star = robotsRules(
      'http://a.test/robots.txt',
      200,
      'User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n',
    );
    expect(star.allows('http://a.test/private/x')).toBe(false);
    expect(star.crawlDelaySeconds).toBe(2);
    expect(robotsRules('http://a.test/robots.txt', 404, '').allows('http://a.test/x')).toBe(true);
    expect(robotsRules('http://a.test/robots.txt', 503, '').allows('http://a.test/x')).toBe(false);
    expect(robotsRules('http://a.test/robots.txt', null, '').allows('http://a.test/x')).toBe(false);
  });
});

describe('locator expressions', () => {
  it('quotes as a JavaScript string literal', () => {
    expect(quote("O'Brien \\ 2\nx")).toBe("'O\\'Brien \\\\ 2\\nx'");
  });

  it('reads role and name from an aria snapshot line', () => {
    expect(roleFromAriaSnapshot('- button "Save \\"draft\\""')).toEqual({
      role: 'button',
      name: 'Save "draft"',
    });
    expect(roleFromAriaSnapshot('- textbox "Email"')).toEqual({ role: 'textbox', name: 'Email' });
    expect(roleFromAriaSnapshot('- link "Home":\n  - /url: /')).toEqual({ role: 'link', name: 'Home' });
    expect(roleFromAriaSnapshot('- checkbox [checked]')).toEqual({ role: 'checkbox', name: '' });
    expect(roleFromAriaSnapshot('- generic: text')).toBeNull();
    expect(roleFromAriaSnapshot('')).toBeNull();
  });

  it('offers candidates in the best-practice order', () => {
    const facts = {
      ref: '1',
      testId: 'save',
      label: 'Title',
      idSelector: '#t',
      cssPath: 'html > body > input',
    };
    expect(candidates(facts, { role: 'textbox', name: 'Title' })).toEqual([
      { kind: 'testid', expression: "getByTestId('save')" },
      { kind: 'role', expression: "getByRole('textbox', { name: 'Title' })" },
      { kind: 'label', expression: "getByLabel('Title')" },
      { kind: 'id', expression: "locator('#t')" },
      { kind: 'css', expression: "locator('html > body > input')" },
    ]);
    expect(candidates({ ...facts, testId: null, label: null, idSelector: null }, null)).toEqual([
      { kind: 'css', expression: "locator('html > body > input')" },
    ]);
  });
});

describe('crawl requests', () => {
  it('applies the defaults and the limits', () => {
    expect(crawlRequestSchema.parse({ startUrl: 'https://app.test/' })).toEqual({
      startUrl: 'https://app.test/',
      maxPages: 50,
      maxDepth: 3,
      scope: 'same-origin',
      loginSteps: [],
      exclude: [],
      respectRobotsTxt: true,
    });
    expect(
      crawlRequestSchema.safeParse({ startUrl: 'https://app.test/', maxPages: CRAWL_LIMITS.maxPages + 1 })
        .success,
    ).toBe(false);
    for (const startUrl of ['ftp://app.test/', 'javascript:alert(1)', 'app.test', 'file:///etc/passwd'])
      expect(crawlRequestSchema.safeParse({ startUrl }).success, startUrl).toBe(false);
    expect(crawlRequestSchema.safeParse({ startUrl: 'https://app.test/', unknown: 1 }).success).toBe(false);
  });

  it('checks that each login step has what its action needs', () => {
    const result = crawlRequestSchema.safeParse({
      startUrl: 'https://app.test/',
      loginSteps: [{ action: 'fill', selector: '#pw' }, { action: 'goto' }, { action: 'waitFor' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'loginSteps.0.value',
      'loginSteps.1.url',
      'loginSteps.2.selector',
    ]);
  });
});

describe('login values at rest', () => {
  it('seal and open with the same secret and crawl, and never show the value', () => {
    const sealed = sealLoginValues([null, 'hunter2'], 'secret', 'crawl-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('hunter2');
    expect(openLoginValues(sealed, 'secret', 'crawl-1')).toEqual([null, 'hunter2']);
    expect(sealLoginValues(['x'], 'secret', 'c')).not.toBe(sealLoginValues(['x'], 'secret', 'c'));
  });

  it('refuses another secret, another crawl, or a changed blob', () => {
    const sealed = sealLoginValues(['hunter2'], 'secret', 'crawl-1');
    expect(() => openLoginValues(sealed, 'other', 'crawl-1')).toThrow();
    expect(() => openLoginValues(sealed, 'secret', 'crawl-2')).toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => openLoginValues(tampered, 'secret', 'crawl-1')).toThrow();
  });
});
