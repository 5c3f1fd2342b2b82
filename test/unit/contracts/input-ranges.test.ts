import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contracts } from '../../../functions/contracts/index.ts';

/**
 * Every numeric and date input of every route is range-checked at the
 * contract: a value outside what the code and Postgres handle is a 400
 * naming the parameter, never a 500 from SQL or date arithmetic. The walk
 * covers params, query and body of every contract, so a new route's
 * unbounded parameter fails here.
 */
interface Leaf {
  route: string;
  path: string;
  schema: z.ZodType;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  items?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function leaves(route: string, path: string, schema: z.ZodType, out: Leaf[]): Leaf[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape ?? {})) leaves(route, `${path}.${key}`, child, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      if (def.innerType) leaves(route, path, def.innerType, out);
      break;
    case 'pipe':
      if (def.in) leaves(route, path, def.in, out);
      if (def.out) leaves(route, path, def.out, out);
      break;
    case 'array':
      if (def.element) leaves(route, `${path}[]`, def.element, out);
      break;
    case 'union':
      for (const option of def.options ?? []) leaves(route, path, option, out);
      break;
    case 'record':
      if (def.valueType) leaves(route, `${path}{}`, def.valueType, out);
      break;
    case 'tuple':
      for (const [i, item] of (def.items ?? []).entries()) leaves(route, `${path}[${i}]`, item, out);
      break;
    case 'intersection':
      if (def.left) leaves(route, path, def.left, out);
      if (def.right) leaves(route, path, def.right, out);
      break;
    default:
      out.push({ route, path, schema });
  }
  return out;
}

const inputs: Leaf[] = contracts.flatMap((contract) => {
  const out: Leaf[] = [];
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = contract[part];
    if (schema) leaves(contract.route, part, schema, out);
  }
  return out;
});

const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('contract inputs are range-checked', () => {
  it('finds the inputs it checks', () => {
    expect(inputs.filter((leaf) => defOf(leaf.schema).type === 'number').length).toBeGreaterThan(10);
  });

  it('bounds every number on both sides, within what SQL and JavaScript hold exactly', () => {
    const unbounded = inputs
      .filter((leaf) => defOf(leaf.schema).type === 'number')
      .filter((leaf) => {
        const n = leaf.schema as unknown as { minValue: number | null; maxValue: number | null };
        return (
          n.minValue === null ||
          n.maxValue === null ||
          n.minValue <= Number.MIN_SAFE_INTEGER ||
          n.maxValue >= Number.MAX_SAFE_INTEGER
        );
      })
      .map((leaf) => `${leaf.route} ${leaf.path}`);
    expect(unbounded).toEqual([]);
  });

  it('bounds every day and timestamp to years four-digit arithmetic survives', () => {
    const dateLike = inputs.filter(
      (leaf) =>
        defOf(leaf.schema).type === 'string' &&
        // Date-shaped: takes a day or a timestamp, refuses the same with a month 13.
        ((accepts(leaf.schema, '2024-06-01') && !accepts(leaf.schema, '2024-13-01')) ||
          (accepts(leaf.schema, '2024-06-01T00:00:00Z') && !accepts(leaf.schema, '2024-13-01T00:00:00Z'))),
    );
    expect(dateLike.length).toBeGreaterThan(0);
    const unbounded = dateLike
      .filter((leaf) =>
        ['9999-12-31', '0001-01-01', '9999-12-31T00:00:00Z', '0001-01-01T00:00:00Z'].some((value) =>
          accepts(leaf.schema, value),
        ),
      )
      .map((leaf) => `${leaf.route} ${leaf.path}`);
    expect(unbounded).toEqual([]);
  });

  it('accepts every id Postgres stores as a uuid, of any version', () => {
    const ids = inputs.filter(
      (leaf) =>
        defOf(leaf.schema).type === 'string' && accepts(leaf.schema, '0f8fad5b-d9cb-469f-a165-70867728950e'),
    );
    expect(ids.length).toBeGreaterThan(10);
    for (const leaf of ids.filter((l) => !accepts(l.schema, 'not-an-id'))) {
      expect(accepts(leaf.schema, '00000000-0000-0000-0000-000000000001'), `${leaf.route} ${leaf.path}`).toBe(
        true,
      );
    }
  });

  it('refuses CR and LF in every media type', () => {
    const mediaTypes = inputs.filter(
      (leaf) =>
        defOf(leaf.schema).type === 'string' &&
        leaf.path.toLowerCase().endsWith('contenttype') &&
        accepts(leaf.schema, 'application/pdf'),
    );
    expect(mediaTypes.length).toBeGreaterThan(0);
    for (const leaf of mediaTypes) {
      expect(accepts(leaf.schema, 'application/pdf\r\nx-amz-acl: public-read')).toBe(false);
      expect(accepts(leaf.schema, 'text/plain\n')).toBe(false);
      expect(accepts(leaf.schema, 'text/plain; charset=utf-8')).toBe(true);
    }
  });
});
