import { describe, expect, it } from 'vitest';
import {
  hashEmbedding,
  offlineEmbedding,
  SEMANTIC_SHARE,
  stem,
} from '../../../shared/documents/embeddings/offline-embedder.ts';
import { semanticEmbedding, sifWeight, wordRank } from '../../../shared/documents/embeddings/word-vectors.ts';
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
    expect(stem('authorisation')).toBe(stem('authorisations'));
    expect(stem('invoices')).toBe(stem('invoice'));
    expect(stem('expired')).toBe(stem('expires'));
    expect(stem('exported')).not.toBe(stem('imported'));
  });
});

describe('semantic part (SIF over GloVe word vectors)', () => {
  const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
    return sum;
  };

  it('puts words of related meaning and no shared letters close together', () => {
    const refund = semanticEmbedding(['refund', 'money']);
    expect(cos(refund, semanticEmbedding(['reimburse', 'payment']))).toBeGreaterThan(
      cos(refund, semanticEmbedding(['font', 'colour'])) + 0.2,
    );
    const login = semanticEmbedding(['password', 'login']);
    expect(cos(login, semanticEmbedding(['credentials', 'account']))).toBeGreaterThan(
      cos(login, semanticEmbedding(['shipping', 'parcel'])),
    );
  });

  it('weighs rare words more than frequent ones and finds inflected forms by their stem', () => {
    expect(sifWeight(wordRank('the') ?? 0)).toBeLessThan(0.05);
    expect(sifWeight(wordRank('invoice') ?? 0)).toBeGreaterThan(0.9);
    expect(wordRank('invoices')).toBeDefined();
    expect(wordRank('zzqxv')).toBeUndefined();
  });

  it('is unit length, or zero when no word is known', () => {
    const v = semanticEmbedding(['checkout', 'basket']);
    expect(cos(v, v)).toBeCloseTo(1, 5);
    expect(cos(semanticEmbedding(['zzqxv']), semanticEmbedding(['zzqxv']))).toBe(0);
  });

  it('the offline vector mixes both parts: unit length, deterministic, closer for a paraphrase', () => {
    const a = offlineEmbedding('Customers get their money back within five days', 384);
    expect(offlineEmbedding('Customers get their money back within five days', 384)).toEqual(a);
    expect(cos(a, a)).toBeCloseTo(1, 9);
    const paraphrase = offlineEmbedding('How soon is a refund paid to the buyer?', 384);
    const lexicalOnly = (text: string) => offlineEmbedding(text, 384, 0);
    expect(cos(a, paraphrase)).toBeGreaterThan(
      cos(
        lexicalOnly('Customers get their money back within five days'),
        lexicalOnly('How soon is a refund paid to the buyer?'),
      ),
    );
    expect(SEMANTIC_SHARE).toBeGreaterThan(0);
    expect(offlineEmbedding('zzqxv', 16)).toHaveLength(16);
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
