import { describe, expect, it } from 'vitest';
import { toStorableParameter } from '../../../shared/db/storable-text-plugin.ts';

describe('storable query parameters', () => {
  it('replaces NUL and lone surrogates in strings and arrays of strings', () => {
    expect(toStorableParameter('a\u0000b')).toBe('a\uFFFDb');
    expect(toStorableParameter('x\uD800')).toBe('x\uFFFD');
    expect(toStorableParameter(['ok', 'n\u0000'])).toEqual(['ok', 'n\uFFFD']);
    const same = ['ok'];
    expect(toStorableParameter(same)).toBe(same);
  });

  it('cleans JSON text a jsonb column would refuse, escapes included', () => {
    const json = JSON.stringify({ title: 'a\u0000b', list: ['\uDC00'], [`k\u0000`]: 1 });
    expect(JSON.parse(toStorableParameter(json) as string)).toEqual({
      title: 'a\uFFFDb',
      list: ['\uFFFD'],
      'k\uFFFD': 1,
    });
  });

  it('leaves text that merely mentions an escape, valid pairs and other values alone', () => {
    for (const value of [
      'Handle \\u0000 in the parser',
      JSON.stringify({ note: 'a literal \\u0000' }),
      '{"emoji":"\\ud83d\\ude00"}',
      '😀',
      42,
      null,
    ])
      expect(toStorableParameter(value)).toBe(value);
    const date = new Date();
    expect(toStorableParameter(date)).toBe(date);
  });
});
