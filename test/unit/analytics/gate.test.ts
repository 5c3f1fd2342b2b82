import { describe, expect, it } from 'vitest';
import {
  type BaseCommit,
  decideGate,
  type FailingTest,
  gatedConclusion,
  gateLine,
} from '../../../shared/analytics/gate.ts';
import type { TestResultStatus } from '../../../shared/db/database.ts';

const test = (id: string, extra: Partial<FailingTest> = {}): FailingTest => ({
  id,
  suite: 's',
  classname: 'c',
  name: id,
  tids: [],
  status: 'failed',
  flaky: false,
  ...extra,
});
const base: BaseCommit = { sha: 'a'.repeat(40), branch: 'main', how: 'merge base' };
const statuses = (entries: [string, TestResultStatus][]) => new Map(entries);

describe('the gate', () => {
  it('in `all` mode blocks every failing test, tagged or not, and tells each one’s base status', () => {
    const decision = decideGate({
      mode: 'all',
      quarantineFlaky: false,
      failing: [test('untagged'), test('tagged', { tids: ['T1'] }), test('old')],
      failingTotal: 3,
      base,
      baseStatus: statuses([['old', 'failed']]),
    });
    expect(decision.blocking.map((t) => [t.id, t.baseStatus])).toEqual([
      ['untagged', 'not run'],
      ['tagged', 'not run'],
      ['old', 'failed'],
    ]);
    expect(gatedConclusion('success', decision, 3)).toBe('failure');
  });

  it('in `regressions` mode lists tests failing on the base as known failures and blocks the others', () => {
    const decision = decideGate({
      mode: 'regressions',
      quarantineFlaky: false,
      failing: [
        test('was-passing'),
        test('was-failing'),
        test('was-erroring'),
        test('new'),
        test('was-skipped'),
      ],
      failingTotal: 5,
      base,
      baseStatus: statuses([
        ['was-passing', 'passed'],
        ['was-failing', 'failed'],
        ['was-erroring', 'errored'],
        ['was-skipped', 'skipped'],
      ]),
    });
    expect(decision.knownFailures.map((t) => t.id)).toEqual(['was-failing', 'was-erroring']);
    expect(decision.blocking.map((t) => t.id)).toEqual(['was-passing', 'new', 'was-skipped']);
    expect(gateLine(decision)).toContain('regressions only');
  });

  it('with only known failures, a criterion they fail leaves the check at action required, never success', () => {
    const decision = decideGate({
      mode: 'regressions',
      quarantineFlaky: false,
      failing: [test('x', { tids: ['T1'] })],
      failingTotal: 1,
      base,
      baseStatus: statuses([['x', 'failed']]),
    });
    expect(decision.blocking).toEqual([]);
    expect(gatedConclusion('failure', decision, 1)).toBe('action_required');
    expect(gatedConclusion('success', decision, 1)).toBe('success');
  });

  it('without a base in `regressions` mode every failing test blocks, and says so', () => {
    const decision = decideGate({
      mode: 'regressions',
      quarantineFlaky: false,
      failing: [test('x')],
      failingTotal: 1,
      base: null,
      baseStatus: new Map(),
    });
    expect(decision.blocking.map((t) => [t.id, t.baseStatus])).toEqual([['x', null]]);
    expect(gateLine(decision)).toContain('No base with test results was found');
  });

  it('quarantines flaky tests in either mode when asked, and only then', () => {
    const failing = [test('flaky', { flaky: true }), test('steady')];
    for (const mode of ['all', 'regressions'] as const) {
      const on = decideGate({
        mode,
        quarantineFlaky: true,
        failing,
        failingTotal: 2,
        base,
        baseStatus: new Map(),
      });
      expect(on.quarantined.map((t) => t.id)).toEqual(['flaky']);
      expect(on.blocking.map((t) => t.id)).toEqual(['steady']);
      const off = decideGate({
        mode,
        quarantineFlaky: false,
        failing,
        failingTotal: 2,
        base,
        baseStatus: new Map(),
      });
      expect(off.quarantined).toEqual([]);
    }
  });

  it('counts failing tests beyond those read as blocking', () => {
    const decision = decideGate({
      mode: 'regressions',
      quarantineFlaky: false,
      failing: [test('x')],
      failingTotal: 1_500,
      base,
      baseStatus: statuses([['x', 'failed']]),
    });
    expect(decision.unlisted).toBe(1_499);
    expect(gatedConclusion('success', decision, 1_500)).toBe('failure');
  });

  it('keeps the criteria’s failure when no per-test result was stored (reports from before)', () => {
    const decision = decideGate({
      mode: 'all',
      quarantineFlaky: false,
      failing: [],
      failingTotal: 0,
      base: null,
      baseStatus: new Map(),
    });
    expect(gatedConclusion('failure', decision, 0)).toBe('failure');
    expect(gatedConclusion('action_required', decision, 0)).toBe('action_required');
  });
});
