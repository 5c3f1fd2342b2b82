import { describe, expect, it } from 'vitest';
import { evaluateCase, evaluateCorpus } from '../../../shared/checklists/extract/index.ts';

describe('evaluateCase', () => {
  it('counts exact and near matches one-to-one', () => {
    const result = evaluateCase(
      ['Users can log in.', 'Unexpected thing', 'users can log out'],
      ['Users can log in', 'Users can log out', 'Missed one'],
    );
    expect(result).toMatchObject({
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      unexpected: ['Unexpected thing'],
      missed: ['Missed one'],
    });
    expect(result.precision).toBeCloseTo(2 / 3);
    expect(result.recall).toBeCloseTo(2 / 3);
  });

  it('scores empty against empty as perfect', () => {
    expect(evaluateCase([], [])).toMatchObject({ precision: 1, recall: 1 });
    expect(evaluateCase(['x'], [])).toMatchObject({ precision: 0, recall: 1 });
    expect(evaluateCase([], ['x'])).toMatchObject({ precision: 1, recall: 0 });
  });
});

describe('evaluateCorpus', () => {
  it('micro-averages over cases', () => {
    const total = evaluateCorpus([
      evaluateCase(['a b c', 'd e f'], ['a b c']),
      evaluateCase([], ['g h i', 'j k l']),
    ]);
    expect(total).toMatchObject({ cases: 2, truePositives: 1, falsePositives: 1, falseNegatives: 2 });
    expect(total.precision).toBeCloseTo(0.5);
    expect(total.recall).toBeCloseTo(1 / 3);
    expect(total.f1).toBeCloseTo(0.4);
  });
});
