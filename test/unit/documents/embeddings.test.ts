import { describe, expect, it } from 'vitest';
import { hashEmbedding, stem } from '../../../shared/documents/embeddings/offline-embedder.ts';
import { reciprocalRankFusion } from '../../../shared/documents/search.service.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe('offline embedder', () => {
  it('is deterministic, unit length, and closer for related wording', () => {
    const a = hashEmbedding('Users can reset their password with an e-mailed link', 384);
    expect(hashEmbedding('Users can reset their password with an e-mailed link', 384)).toEqual(a);
    expect(a).toHaveLength(384);
    expect(Math.abs(cosine(a, a) - 1)).toBeLessThan(1e-9);
    const related = hashEmbedding('How does resetting a forgotten password work?', 384);
    const unrelated = hashEmbedding('Invoices are issued monthly in euros', 384);
    expect(cosine(a, related)).toBeGreaterThan(cosine(a, unrelated) + 0.1);
  });

  it('never returns the zero vector', () => {
    const v = hashEmbedding('the and of', 64);
    expect(cosine(v, v)).toBeCloseTo(1);
  });

  it('stems inflections together', () => {
    expect(stem('resetting')).toBe(stem('reset'));
    expect(stem('policies')).toBe(stem('policy'));
    expect(stem('invoices')).toBe(stem('invoice'));
    expect(stem('expired')).toBe(stem('expires'));
    expect(stem('exported')).not.toBe(stem('imported'));
  });
});

describe('reciprocal rank fusion', () => {
  it('sums 1/(60 + rank) over the lists and prefers items both lists found', () => {
    const fused = reciprocalRankFusion({
      vector: [
        { id: 'a', rank: 1, score: 0.9 },
        { id: 'b', rank: 2, score: 0.8 },
      ],
      text: [
        { id: 'b', rank: 1, score: 3 },
        { id: 'c', rank: 2, score: 2 },
      ],
    });
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
    expect(fused[0]?.ranks).toEqual({ vector: 2, text: 1 });
    expect(fused[1]?.ranks).toEqual({ vector: 1 });
  });
});
