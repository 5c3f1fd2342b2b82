import { describe, expect, it } from 'vitest';
import { parseCodeHealth } from '../../../shared/reports/code-health/index.ts';
import { repositoryPath } from '../../../shared/reports/repository-path.ts';

describe('repositoryPath: report paths to repository-relative annotation paths', () => {
  it.each([
    ['/home/runner/work/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['D:\\a\\shop\\shop\\src\\cart.ts', 'src/cart.ts'],
    ['/Users/runner/work/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['/__w/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['/opt/actions-runner/_work/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['/github/workspace/src/cart.ts', 'src/cart.ts'],
    ['file:///home/runner/work/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['file:///D:/a/shop/shop/src/cart.ts', 'src/cart.ts'],
    ['file:///home/runner/work/shop/shop/src/r%C3%A9sum%C3%A9.ts', 'src/résumé.ts'],
    ['./src/cart.ts', 'src/cart.ts'],
    ['src/./lib/../cart.ts', 'src/cart.ts'],
    ['src\\cart.ts', 'src/cart.ts'],
  ])('%s → %s', (raw, expected) => {
    expect(repositoryPath(raw, { repo: 'shop' })).toBe(expected);
  });

  it('finds the checkout root of a repository whose name is not given', () => {
    expect(repositoryPath('/home/runner/work/web/web/app/x.ts')).toBe('app/x.ts');
  });

  it('uses the repository name even when the runner layout is unusual', () => {
    expect(repositoryPath('/build/shop/shop/src/cart.ts', { repo: 'shop' })).toBe('src/cart.ts');
  });

  it('cannot map paths outside the checkout, climbing out of it, or other URI schemes', () => {
    expect(repositoryPath('/usr/lib/node_modules/vitest/index.js', { repo: 'shop' })).toBeUndefined();
    expect(repositoryPath('C:\\Windows\\Temp\\x.cs', { repo: 'shop' })).toBeUndefined();
    expect(repositoryPath('../other/x.ts', { repo: 'shop' })).toBeUndefined();
    expect(repositoryPath('https://example.com/x.ts', { repo: 'shop' })).toBeUndefined();
    expect(repositoryPath('   ')).toBeUndefined();
  });

  it('resolves a SARIF uriBaseId through its base URI', () => {
    expect(repositoryPath('src/cart.ts', { base: 'file:///home/runner/work/shop/shop/' })).toBe(
      'src/cart.ts',
    );
    expect(repositoryPath('cart.ts', { base: 'file:///home/runner/work/shop/shop/src/' })).toBe(
      'src/cart.ts',
    );
  });
});

describe('SARIF locations are stored repository-relative', () => {
  it('maps absolute URIs, file:// URIs and uriBaseIds', () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'ESLint', rules: [{ id: 'no-eval' }] } },
          originalUriBaseIds: { SRCROOT: { uri: 'file:///D:/a/shop/shop/' } },
          results: [
            {
              ruleId: 'no-eval',
              level: 'error',
              message: { text: 'a' },
              locations: [loc('file:///home/runner/work/shop/shop/src/a.ts')],
            },
            {
              ruleId: 'no-eval',
              level: 'error',
              message: { text: 'b' },
              locations: [loc('src/b.ts', 'SRCROOT')],
            },
            {
              ruleId: 'no-eval',
              level: 'error',
              message: { text: 'c' },
              locations: [loc('/home/runner/work/shop/shop/src/c.ts')],
            },
            { ruleId: 'no-eval', level: 'error', message: { text: 'd' }, locations: [loc('./src/d.ts')] },
          ],
        },
      ],
    };
    const result = parseCodeHealth(JSON.stringify(sarif));
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.findings.map((f) => f.file)).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
  });
});

function loc(uri: string, uriBaseId?: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri, ...(uriBaseId ? { uriBaseId } : {}) },
      region: { startLine: 3 },
    },
  };
}
