import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../shared/checklists/extract/corpus.ts';
import {
  ExtractedItemSchema,
  evaluateCase,
  evaluateCorpus,
  extractCriteria,
} from '../../../shared/checklists/extract/index.ts';

const dir = fileURLToPath(new URL('../../fixtures/issues/', import.meta.url));
const corpus = loadCorpus(dir);
const results = corpus.map((c) => {
  const extracted = extractCriteria({ title: c.title, body: c.body });
  return {
    c,
    extracted,
    evaluation: evaluateCase(
      extracted.items.map((i) => i.text),
      c.expected,
    ),
  };
});

describe('issue corpus', () => {
  it('has at least 45 varied cases, including issues without criteria', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
    expect(corpus.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('reaches precision and recall of at least 0.95 overall', () => {
    const total = evaluateCorpus(results.map((r) => r.evaluation));
    expect(total.precision).toBeGreaterThanOrEqual(0.95);
    expect(total.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('produces schema-valid items that are never truncated on realistic issues', () => {
    for (const { c, extracted } of results) {
      expect(extracted.truncated, c.name).toBe(false);
      for (const item of extracted.items)
        expect(ExtractedItemSchema.safeParse(item).success, c.name).toBe(true);
    }
  });

  // Cases documented as known limits (notes start with "KNOWN LIMIT") may miss; every other case must match.
  it.each(corpus.filter((c) => !c.notes?.startsWith('KNOWN LIMIT')).map((c) => [c.name, c] as const))(
    '%s',
    (_, c) => {
      const texts = extractCriteria({ title: c.title, body: c.body }).items.map((i) => i.text);
      const evaluation = evaluateCase(texts, c.expected);
      expect({ missed: evaluation.missed, unexpected: evaluation.unexpected }).toEqual({
        missed: [],
        unexpected: [],
      });
    },
  );
});
