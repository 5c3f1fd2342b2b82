import { describe, expect, it } from 'vitest';
import { normalizeText, textSimilarity, tokenize } from '../../../shared/checklists/similarity/index.ts';

describe('normalizeText', () => {
  it('folds case, diacritics, punctuation and whitespace', () => {
    expect(normalizeText('  **User** sees an *error*!  ')).toBe('user sees an error');
    expect(normalizeText('Critères d’acceptation — Étape 2')).toBe('criteres d acceptation etape 2');
    expect(normalizeText('ＡＢＣ１２３')).toBe('abc123');
  });

  it('keeps CJK and Hangul text', () => {
    expect(normalizeText('验收标准：通过')).toBe('验收标准 通过');
    expect(normalizeText('인수 조건')).toBe('인수 조건');
  });
});

describe('tokenize', () => {
  it('splits words, and CJK runs into bigrams', () => {
    expect(tokenize('user can log in')).toEqual(['user', 'can', 'log', 'in']);
    expect(tokenize('验收标准')).toEqual(['验收', '收标', '标准']);
  });
});

describe('textSimilarity', () => {
  it('is 1 for texts equal after normalization and 0 against empty text', () => {
    expect(textSimilarity('User can log in.', 'user can LOG IN')).toBe(1);
    expect(textSimilarity('something', '')).toBe(0);
    expect(textSimilarity('', '')).toBe(1);
  });

  it('is symmetric and within [0, 1]', () => {
    const pairs: [string, string][] = [
      ['a b c', 'c d'],
      ['Users can export CSV', 'Users export reports'],
      ['验收标准必须通过', '验收标准应该通过'],
    ];
    for (const [a, b] of pairs) {
      expect(textSimilarity(a, b)).toBe(textSimilarity(b, a));
      expect(textSimilarity(a, b)).toBeGreaterThanOrEqual(0);
      expect(textSimilarity(a, b)).toBeLessThanOrEqual(1);
    }
  });

  it('scores slight rewordings high and unrelated criteria low', () => {
    expect(
      textSimilarity(
        'User sees an error when the email is invalid',
        'User sees an error message when the email address is invalid',
      ),
    ).toBeGreaterThan(0.8);
    expect(textSimilarity('User sees an eror', 'User sees an error')).toBeGreaterThan(0.8);
    expect(textSimilarity('Admins can delete projects', 'Session times out after 30 minutes')).toBeLessThan(
      0.3,
    );
  });
});
