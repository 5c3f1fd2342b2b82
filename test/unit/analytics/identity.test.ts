import { describe, expect, it } from 'vitest';
import {
  identityFile,
  MAX_STORED_PART,
  normalisePart,
  testIdentity,
} from '../../../shared/analytics/identity.ts';

describe('test identity', () => {
  it('is the same for names that differ only in whitespace or Unicode normal form', () => {
    const a = testIdentity({ suite: 'signup', classname: 'Signup', name: 'rejects  an\tinvalid\nemail ' });
    const b = testIdentity({ suite: ' signup', classname: 'Signup', name: 'rejects an invalid email' });
    expect(a.identity).toBe(b.identity);
    expect(testIdentity({ suite: '', classname: '', name: 'caf\u0065\u0301' }).identity).toBe(
      testIdentity({ suite: '', classname: '', name: 'caf\u00e9' }).identity,
    );
    expect(normalisePart('  a \n b  ')).toBe('a b');
  });

  it('keeps suite, classname and name apart: moving text between them is another test', () => {
    const a = testIdentity({ suite: 'a', classname: 'b', name: 'c' });
    expect(testIdentity({ suite: 'a', classname: '', name: 'b c' }).identity).not.toBe(a.identity);
    expect(testIdentity({ suite: 'ab', classname: '', name: 'c' }).identity).not.toBe(a.identity);
    expect(testIdentity({ suite: 'a', classname: 'B', name: 'c' }).identity).not.toBe(a.identity);
  });

  it('stores a 10 KB name cut to the limit, flagged, with a hash of the whole name as identity', () => {
    const long = 'x'.repeat(10 * 1024);
    const a = testIdentity({ suite: 's', classname: 'c', name: `${long}a` });
    const b = testIdentity({ suite: 's', classname: 'c', name: `${long}b` });
    expect(a.name).toHaveLength(MAX_STORED_PART);
    expect(a.truncated).toBe(true);
    expect(a.name).toBe(b.name);
    expect(a.identity).not.toBe(b.identity);
    expect(a.identity).toMatch(/^[0-9a-f]{64}$/);
    expect(testIdentity({ suite: 's', classname: 'c', name: 'short' }).truncated).toBe(false);
  });

  it('never cuts a surrogate pair in half', () => {
    const name = `${'a'.repeat(MAX_STORED_PART - 1)}😀tail`;
    const stored = testIdentity({ suite: '', classname: '', name }).name;
    expect(stored).toBe('a'.repeat(MAX_STORED_PART - 1));
    expect(stored).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('takes the file as part of the identity when given, and stays what it was without one', () => {
    const base = { suite: 's', classname: 'c', name: 'renders' };
    const a = testIdentity({ ...base, file: 'src/a.test.ts' });
    const b = testIdentity({ ...base, file: 'src/b.test.ts' });
    const none = testIdentity(base);
    expect(a.identity).not.toBe(b.identity);
    expect(none.identity).toBe(none.legacyIdentity);
    expect(a.legacyIdentity).toBe(none.identity);
    expect(none.file).toBeNull();
    expect(testIdentity({ ...base, file: '  ' }).identity).toBe(none.identity);
  });

  it('maps a file to its repository path, so one test run on Linux and Windows runners is one test', () => {
    const base = { suite: 's', classname: 'c', name: 'renders' };
    const linux = testIdentity(
      { ...base, file: '/home/runner/work/shop/shop/src/a.test.ts' },
      { repo: 'shop' },
    );
    const windows = testIdentity({ ...base, file: 'D:\\a\\shop\\shop\\src\\a.test.ts' }, { repo: 'shop' });
    const relative = testIdentity({ ...base, file: './src/a.test.ts' });
    expect(linux.file).toBe('src/a.test.ts');
    expect(windows.identity).toBe(linux.identity);
    expect(relative.identity).toBe(linux.identity);
    expect(identityFile('/opt/elsewhere/a.test.ts')).toBe('/opt/elsewhere/a.test.ts');
    expect(identityFile(undefined)).toBeUndefined();
  });
});
