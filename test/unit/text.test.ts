import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contracts } from '../../functions/contracts/index.ts';
import { decodeS3EventKey, decodeUriComponentOrUndefined } from '../../shared/text/decode.ts';
import { storableTextCheck } from '../../shared/text/text-schema.ts';
import { isStorableText, toStorableJson, toStorableText } from '../../shared/text/well-formed.ts';

describe('storable text', () => {
  it('tells NUL and lone surrogates from well-formed text, surrogate pairs included', () => {
    expect(isStorableText('plain ✓ 🚀')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud800')).toBe(false);
    expect(isStorableText('x\udc00')).toBe(false);
    expect(isStorableText('\udc00\ud800')).toBe(false);
    expect(isStorableText('\ud83d\ude80')).toBe(true);
  });

  it('replaces each NUL and lone surrogate with U+FFFD and keeps everything else', () => {
    expect(toStorableText('a\u0000b\ud800c\udc00🚀')).toBe('a\uFFFDb\uFFFDc\uFFFD🚀');
    expect(toStorableJson({ 'k\u0000': ['\ud800', 1, null, { deep: 'x\u0000' }], n: 2.5, t: true })).toEqual({
      'k\uFFFD': ['\uFFFD', 1, null, { deep: 'x\uFFFD' }],
      n: 2.5,
      t: true,
    });
  });

  it('decodes outside input totally: malformed encoding is undefined, never an exception', () => {
    expect(decodeUriComponentOrUndefined('a%20b')).toBe('a b');
    for (const bad of ['%ff', '%ZZ', '%', '%E0%A4%A', '%ED%A0%80'])
      expect(decodeUriComponentOrUndefined(bad)).toBe(undefined);
    expect(decodeS3EventKey('orgs/a+b/%C3%A9.xml')).toBe('orgs/a b/é.xml');
    expect(decodeS3EventKey('orgs/%ZZ')).toBe(undefined);
  });
});

/** Every string schema reachable from `schema` (through objects, arrays, optionals, defaults, pipes…). */
function stringSchemas(schema: z.ZodType, path: string, out: { path: string; schema: z.ZodType }[]): void {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'string') {
    out.push({ path, schema });
    return;
  }
  const children: [string, unknown][] = [];
  if (def.type === 'object')
    for (const [k, v] of Object.entries(def.shape as object)) children.push([`${path}.${k}`, v]);
  for (const key of ['innerType', 'element', 'in', 'out', 'valueType', 'keyType'])
    if (def[key]) children.push([path, def[key]]);
  if (Array.isArray(def.options)) for (const option of def.options) children.push([path, option]);
  for (const [childPath, child] of children) stringSchemas(child as z.ZodType, childPath, out);
}

describe('API input schemas', () => {
  it('every string a route accepts (params, query, body) carries the storable-text refinement', () => {
    const found: { path: string; schema: z.ZodType }[] = [];
    for (const contract of contracts) {
      for (const part of ['params', 'query', 'body'] as const) {
        const schema = contract[part];
        if (schema) stringSchemas(schema, `${contract.route} ${part}`, found);
      }
    }
    expect(found.length).toBeGreaterThan(20);
    // String formats (z.uuid(), z.iso.datetime()) are whole-value ASCII patterns: no NUL or surrogate passes.
    const isFormat = (schema: z.ZodType) => 'format' in schema._zod.def && Boolean(schema._zod.def.format);
    const missing = found
      .filter(({ schema }) => !isFormat(schema))
      .filter(({ schema }) => !(schema._zod.def.checks ?? []).includes(storableTextCheck as never))
      .map(({ path }) => path);
    for (const { path, schema } of found.filter(({ schema }) => isFormat(schema)))
      expect(schema.safeParse('2026-11-29T00:00:00Z\u0000').success, path).toBe(false);
    expect(missing).toEqual([]);
  });
});
