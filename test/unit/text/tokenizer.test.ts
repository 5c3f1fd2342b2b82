import { describe, expect, it } from 'vitest';
import { textSimilarity, tokenize } from '../../../shared/checklists/similarity/index.ts';
import { analyzeDiff } from '../../../shared/manifests/diff.ts';
import { scoreRelevance } from '../../../shared/manifests/relevance.ts';
import { contentWords, pathWordsOf } from '../../../shared/manifests/words.ts';
import { IDENTIFIER, isSignificant, words } from '../../../shared/text/tokenizer.ts';

const file = (filename: string, patch?: string) => ({
  filename,
  status: 'modified',
  additions: 1,
  deletions: 0,
  ...(patch === undefined ? {} : { patch }),
});

describe('words (the shared tokenizer)', () => {
  it('keeps accented and other-script letters inside their words', () => {
    expect(words('docs/résumé.md')).toEqual(['docs', 'résumé', 'md']);
    expect(words('src/übersicht/größe.ts')).toEqual(['src', 'übersicht', 'größe', 'ts']);
    expect(words('src/корзина/итого.ts')).toEqual(['src', 'корзина', 'итого', 'ts']);
  });

  it('reads decomposed (NFD) paths like their composed spelling', () => {
    expect(words('docs/re\u0301sume\u0301.md')).toEqual(['docs', 'résumé', 'md']);
  });

  it('splits camel case in any cased script, and letter/digit boundaries', () => {
    expect(words('validateEmail')).toEqual(['validate', 'email']);
    expect(words('HTTPServer2')).toEqual(['http', 'server', '2']);
    expect(words('größeBerechnen')).toEqual(['größe', 'berechnen']);
    expect(words('ПроверкаEmail')).toEqual(['проверка', 'email']);
    expect(words('ÉtatPanier')).toEqual(['état', 'panier']);
    expect(words('OAuth2 token', { camel: 'mixed' })).toEqual(['oauth2', 'token']);
  });

  it('segments Japanese into dictionary words, or bigrams for fuzzy matching', () => {
    const segmented = words('カートに合計金額が表示される');
    expect(segmented).toContain('カート');
    expect(segmented).toContain('合計');
    expect(segmented.join('')).toBe('カートに合計金額が表示される');
    expect(words('合計金額', { unspaced: 'bigrams' })).toEqual(['合計', '計金', '金額']);
    expect(words('src/カート/合計.ts')).toEqual(['src', 'カート', '合計', 'ts']);
  });

  it('counts two-character words of unspaced scripts as significant', () => {
    expect(isSignificant('合計')).toBe(true);
    expect(isSignificant('ab')).toBe(false);
    expect(isSignificant('größe')).toBe(true);
  });

  it('matches identifiers in any script', () => {
    const found = 'const größe = berechneGröße(übersicht); let итого = 合計金額;'.match(IDENTIFIER);
    expect(found).toEqual(['const', 'größe', 'berechneGröße', 'übersicht', 'let', 'итого', '合計金額']);
  });
});

describe('relevance words outside ASCII', () => {
  it('German: paths and criteria share whole words', () => {
    expect(pathWordsOf('src/übersicht/größe.ts')).toEqual(['src', 'übersicht', 'größe']);
    expect(contentWords('Die Übersicht zeigt die Größe des Warenkorbs')).toEqual(
      expect.arrayContaining(['übersicht', 'größe', 'warenkorbs']),
    );
    const analysis = analyzeDiff([file('src/übersicht/größe.ts')]);
    expect(scoreRelevance('Die Übersicht zeigt die Größe', analysis).score).toBeGreaterThan(0.5);
  });

  it('French: "The cart shows the sum" has nothing to do with docs/résumé.md', () => {
    expect(pathWordsOf('docs/résumé.md')).toEqual(['docs', 'résumé']);
    const analysis = analyzeDiff([file('docs/résumé.md')]);
    expect(scoreRelevance('The cart shows the sum', analysis).score).toBe(0);
    expect(scoreRelevance('Le résumé affiche le total', analysis).score).toBeGreaterThan(0.5);
  });

  it('Russian: identifiers of added lines match the criterion', () => {
    const analysis = analyzeDiff([
      file('src/cart.ts', '@@ -1 +1,2 @@\n+export function показатьИтого(корзина) {\n+  return корзина;'),
    ]);
    expect(analysis.identifiers.has('показатьитого')).toBe(true);
    expect(analysis.identifiers.has('итого')).toBe(true);
    const relevance = scoreRelevance('Корзина показывает итого', analysis);
    expect(relevance.score).toBeGreaterThan(0.25);
    expect(relevance.reasons.join(' ')).toContain('итого');
  });

  it('Japanese: a criterion without spaces matches a path segment', () => {
    const analysis = analyzeDiff([file('src/カート/合計.ts')]);
    expect(contentWords('カートに合計が表示される')).toEqual(expect.arrayContaining(['カート', '合計']));
    expect(scoreRelevance('カートに合計が表示される', analysis).score).toBeGreaterThan(0.5);
  });
});

describe('criterion similarity outside ASCII', () => {
  it('tokenizes through the shared tokenizer', () => {
    expect(tokenize('größe der übersicht')).toEqual(['größe', 'der', 'übersicht']);
    expect(tokenize('验收标准')).toEqual(['验收', '收标', '标准']);
  });

  it('German, French, Russian and Japanese edits stay similar; different criteria do not', () => {
    expect(textSimilarity('Die Größe wird angezeigt', 'Die Größe wird jetzt angezeigt')).toBeGreaterThan(0.7);
    expect(textSimilarity('Le résumé affiche le total', 'Le résumé affiche le total TTC')).toBeGreaterThan(
      0.7,
    );
    expect(textSimilarity('Корзина показывает итого', 'Корзина показывает итог')).toBeGreaterThan(0.7);
    expect(textSimilarity('カートに合計が表示される', 'カートに合計金額が表示される')).toBeGreaterThan(0.7);
    expect(textSimilarity('Корзина показывает итого', 'Пользователь входит в систему')).toBeLessThan(0.3);
  });
});
