import { describe, expect, it } from 'vitest';
import { decideGate } from '../../../shared/analytics/gate.ts';
import {
  codeHealthLine,
  MAX_GATE_ROWS,
  MAX_SUMMARY,
  renderCheckSummary,
} from '../../../shared/validation/check-summary.ts';
import type { ItemResult, ItemStatus } from '../../../shared/validation/item-status.ts';

const statuses: ItemStatus[] = ['passed', 'failed', 'skipped', 'missing'];

function items(n: number, textLength = 100): ItemResult[] {
  return Array.from({ length: n }, (_, i) => {
    const status = statuses[i % 4]!;
    const tests = status === 'missing' ? 0 : 3;
    return {
      issue: { owner: 'acme', repo: 'widgets', number: 1 },
      tid: i + 1,
      text: `Criterion ${i + 1} | with a pipe ${'x'.repeat(textLength)}`,
      status,
      flaky: i % 7 === 0,
      tests,
      passed: status === 'passed' ? 3 : 0,
      failed: status === 'failed' ? 1 : 0,
      errored: 0,
      skipped: status === 'skipped' ? 3 : 0,
    };
  });
}

describe('the Assay check summary', () => {
  it('lists every item when they fit, with escaped pipes and the counts', () => {
    const { title, summary } = renderCheckSummary('failure', items(8), { reports: 2 });
    expect(title).toBe('Some criteria fail');
    expect(summary).toContain('8 criteria from 2 report(s): 2 passed, 2 failed, 2 skipped, 2 missing.');
    expect(summary.match(/^\| \*\*T\d+\*\*/gm)).toHaveLength(8);
    expect(summary).toContain('Criterion 1 \\| with a pipe');
    expect(summary).toContain('| **T1** | Criterion 1 \\| with a pipe');
    expect(summary).toContain('3/3 passed (flaky)');
    expect(summary).not.toContain('not shown');
  });

  it('cuts a table of 5,000 items to fit 65,535 characters, saying how many are left out and linking the full view', () => {
    const url = 'https://assay.example.com/api/v1/repos/acme/widgets/pulls/7/validation?sha=abc';
    const { summary } = renderCheckSummary('failure', items(5000), { reports: 1, detailsUrl: url });
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(MAX_SUMMARY);
    const shown = summary.match(/^\| \*\*T\d+\*\*/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(5000);
    expect(summary).toContain(`${5000 - shown} more criteria not shown — [see them all](${url}).`);
    // The rows kept are the first ones, in order.
    expect(summary).toContain('| **T1** |');
    expect(summary).toContain(`| **T${shown}** |`);
    expect(summary).not.toContain(`| **T${shown + 1}** |`);
  });

  it('still says how many are left out when there is no link', () => {
    const { summary } = renderCheckSummary('action_required', items(5000), { reports: 1 });
    expect(summary).toMatch(/\d+ more criteria not shown\.$/);
  });

  it('shows the code health and its change against the base branch', () => {
    expect(codeHealthLine({ score: 87, baseBranch: 'main', baseScore: 90, delta: -3 })).toBe(
      'Code health: **87/100** (−3 against `main` at 90).',
    );
    expect(codeHealthLine({ score: 92, baseBranch: 'main', baseScore: 90, delta: 2 })).toContain('+2');
    expect(codeHealthLine({ score: 90, baseBranch: 'main', baseScore: 90, delta: 0 })).toContain('±0');
    expect(codeHealthLine({ score: 70, baseBranch: 'main', baseScore: null, delta: null })).toBe(
      'Code health: **70/100** (no score on `main` yet).',
    );
    const { summary } = renderCheckSummary('success', items(1).slice(0, 1), {
      reports: 1,
      codeHealth: { score: 87, baseBranch: 'main', baseScore: 90, delta: -3 },
    });
    expect(summary).toContain('Code health: **87/100**');
  });
});

describe('the gate in the check summary (issue 19)', () => {
  const failing = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      suite: 's',
      classname: 'checkout',
      name: `${prefix} ${i} | pipes ${'y'.repeat(400)}`,
      tids: i === 0 ? ['T9'] : [],
      status: 'failed' as const,
      flaky: false,
    }));

  it('says which mode decided and on which base, then lists blocking tests and known failures with their base status', () => {
    const gate = decideGate({
      mode: 'regressions',
      quarantineFlaky: false,
      failing: [...failing(40, 'broken'), ...failing(2, 'old')],
      failingTotal: 42,
      base: { sha: 'abcdef1234567890abcdef1234567890abcdef12', branch: 'main', how: 'merge base' },
      baseStatus: new Map([
        ['broken-0', 'passed'],
        ['old-0', 'failed'],
        ['old-1', 'errored'],
      ]),
    });
    const { title, summary } = renderCheckSummary('failure', items(4).slice(0, 1), { reports: 1, gate });
    expect(title).toBe('Failing tests block the check');
    expect(summary).toContain(
      'Gate: **regressions only** (`regressions`): a failing test blocks unless it also failed on the base. Base: `abcdef1` on `main` (the merge base). 40 blocking test(s), 2 known failure(s), 0 quarantined.',
    );
    expect(summary).toMatch(/\*\*Blocking tests\*\* \(40\)/);
    expect(summary).toContain(
      `| \`checkout › broken 0 \\| pipes ${'y'.repeat(121)}…\` (T9) | failed | ✅ passed |`,
    );
    expect(summary).toContain('| failed | not run |');
    expect(summary.match(/\| failed \| not run \|/g)).toHaveLength(MAX_GATE_ROWS - 1);
    expect(summary).toContain('… and 10 more.');
    expect(summary).toMatch(
      /\*\*Known failures — failing on the base too, not blocking\*\* \(2\)[\s\S]*❌ failed[\s\S]*❌ errored/,
    );
    expect(summary).not.toContain('Quarantined');
    // The criteria table comes before the failing tests.
    expect(summary.indexOf('| TID |')).toBeLessThan(summary.indexOf('**Blocking tests**'));
  });

  it('keeps the whole summary within GitHub’s limit with thousands of criteria and failing tests', () => {
    const gate = decideGate({
      mode: 'all',
      quarantineFlaky: true,
      failing: failing(1000, 'many').map((t, i) => ({ ...t, flaky: i % 2 === 0 })),
      failingTotal: 5000,
      base: null,
      baseStatus: new Map(),
    });
    const { summary } = renderCheckSummary('failure', items(5000), { reports: 1, gate });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(summary).toContain('**Blocking tests** (4500)');
    expect(summary).toContain('**Quarantined flaky tests — not blocking** (500)');
  });
});
