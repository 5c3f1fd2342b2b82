import { describe, expect, it } from 'vitest';
import { decideGate } from '../../../shared/analytics/gate.ts';
import { quarantineOf } from '../../../shared/analytics/quarantine.ts';

const entry = { name: 'pays  by card', owner: '@acme/pay', reason: 'sandbox down', expires: '2027-01-31' };
const test = (name: string, extra: { classname?: string; file?: string } = {}) => ({
  id: name,
  suite: 's',
  classname: extra.classname ?? 'Checkout',
  name,
  file: extra.file ?? null,
  tids: [],
  status: 'failed' as const,
  flaky: false,
});

describe('per-test quarantine (issue 31)', () => {
  it('holds through its expiry day and no longer after it', () => {
    expect(quarantineOf([entry], test('pays by card'), '2027-01-31')).toBe(entry);
    expect(quarantineOf([entry], test('pays by card'), '2027-02-01')).toBeUndefined();
  });

  it('matches the name normalised, and the classname and file only when the entry gives them', () => {
    const narrow = { ...entry, classname: 'Checkout', file: 'src/pay.test.ts' };
    expect(quarantineOf([narrow], test('pays by card', { file: './src/pay.test.ts' }), '2027-01-01')).toBe(
      narrow,
    );
    expect(quarantineOf([narrow], test('pays by card', { file: 'src/other.test.ts' }), '2027-01-01')).toBe(
      undefined,
    );
    expect(quarantineOf([narrow], test('pays by card', { classname: 'Cart' }), '2027-01-01')).toBeUndefined();
    expect(quarantineOf([entry], test('pays by cash'), '2027-01-01')).toBeUndefined();
  });

  it('keeps a quarantined test from blocking in either mode; an expired one blocks', () => {
    for (const mode of ['all', 'regressions'] as const) {
      const decide = (today: string) =>
        decideGate({
          mode,
          quarantineFlaky: false,
          failing: [test('pays by card'), test('ships')],
          failingTotal: 2,
          base: null,
          baseStatus: new Map(),
          quarantine: { entries: [entry], today },
        });
      const now = decide('2027-01-01');
      expect(now.quarantinedByOwner.map((t) => [t.name, t.quarantine?.owner])).toEqual([
        ['pays by card', '@acme/pay'],
      ]);
      expect(now.blocking.map((t) => t.name)).toEqual(['ships']);
      expect(decide('2027-02-01').blocking.map((t) => t.name)).toEqual(['pays by card', 'ships']);
    }
  });
});
