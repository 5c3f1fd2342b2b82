import { blockingCount, type GateDecision, type GatedTest, gateLine } from '../analytics/gate.ts';
import type { Conclusion, ItemResult } from './item-status.ts';

/** GitHub's limit on a check run's summary. */
export const MAX_SUMMARY = 65_535;

const titles: Record<Conclusion, string> = {
  success: 'Every criterion is proven',
  failure: 'Some criteria fail',
  action_required: 'Some criteria have no passing test',
  neutral: 'No criteria expected',
};

const icon = {
  passed: '✅ passed',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
  missing: '⚠️ missing',
} as const;

/** The code health of the commit, for the summary. */
export interface CodeHealthLine {
  score: number;
  baseBranch: string | null;
  baseScore: number | null;
  delta: number | null;
}

/** Rows listed per gate list (blocking, known failures, quarantined); the rest are counted. */
export const MAX_GATE_ROWS = 30;

const baseIcon = (status: GatedTest['baseStatus']) =>
  status === null
    ? '—'
    : status === 'passed'
      ? '✅ passed'
      : status === 'failed' || status === 'errored'
        ? `❌ ${status}`
        : status === 'skipped'
          ? '⏭️ skipped'
          : 'not run';

function testLabel(test: GatedTest): string {
  const name = `${test.classname ? `${test.classname} › ` : ''}${test.name}`.replace(/\s+/g, ' ');
  const cut = name.length > 150 ? `${name.slice(0, 149)}…` : name;
  return `\`${cut.replace(/`/g, "'")}\`${test.tids.length > 0 ? ` (${test.tids.join(', ')})` : ''}`;
}

/** The gate's lists: blocking tests with their base status, known failures, quarantined flaky tests. */
export function renderGateLists(decision: GateDecision): string[] {
  const list = (title: string, tests: readonly GatedTest[], extra = 0) => {
    if (tests.length === 0 && extra === 0) return [];
    const rows = tests
      .slice(0, MAX_GATE_ROWS)
      .map((t) => `| ${testLabel(t).replace(/\|/g, '\\|')} | ${t.status} | ${baseIcon(t.baseStatus)} |`);
    const more = tests.length - rows.length + extra;
    return [
      '',
      `**${title}** (${tests.length + extra})`,
      '',
      '| Test | On this commit | On the base |',
      '|---|---|---|',
      ...rows,
      ...(more > 0 ? ['', `… and ${more} more.`] : []),
    ];
  };
  return [
    ...list('Blocking tests', decision.blocking, decision.unlisted),
    ...list('Known failures — failing on the base too, not blocking', decision.knownFailures),
    ...list('Quarantined flaky tests — not blocking', decision.quarantined),
    ...(decision.quarantinedByOwner.length === 0
      ? []
      : [
          '',
          `**Quarantined tests — not blocking** (${decision.quarantinedByOwner.length})`,
          '',
          '| Test | On this commit | Owner | Until | Reason |',
          '|---|---|---|---|---|',
          ...decision.quarantinedByOwner.slice(0, MAX_GATE_ROWS).map((t) => {
            const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 200);
            const q = t.quarantine!;
            return `| ${cell(testLabel(t))} | ${t.status} | ${cell(q.owner)} | ${q.expires} | ${cell(q.reason)} |`;
          }),
          ...(decision.quarantinedByOwner.length > MAX_GATE_ROWS
            ? ['', `… and ${decision.quarantinedByOwner.length - MAX_GATE_ROWS} more.`]
            : []),
        ]),
  ];
}

/** `Code health: 87/100 (−3 against main, 90)` — or without a base yet. */
export function codeHealthLine(health: CodeHealthLine): string {
  const head = `Code health: **${health.score}/100**`;
  if (health.baseBranch === null || health.baseScore === null || health.delta === null) {
    return `${head}${health.baseBranch ? ` (no score on \`${health.baseBranch}\` yet)` : ''}.`;
  }
  const change = health.delta > 0 ? `+${health.delta}` : health.delta < 0 ? `−${-health.delta}` : '±0';
  return `${head} (${change} against \`${health.baseBranch}\` at ${health.baseScore}).`;
}

/**
 * The check run's title and summary: counts, then one table row per item
 * (status, tests, flaky), truncated to fit GitHub's limit with the number left
 * out and a link to the full view.
 */
export function renderCheckSummary(
  conclusion: Conclusion,
  results: readonly ItemResult[],
  info: {
    reports: number;
    detailsUrl?: string;
    codeHealth?: CodeHealthLine | undefined;
    /** Failed tests whose file is outside the repository (`\`/tmp/x.ts:3\` name`): listed, not annotated. */
    unplaced?: readonly string[];
    /** What the gate decided: its mode and base, and the failing tests (listed after the criteria table). */
    gate?: GateDecision;
  },
): { title: string; summary: string } {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const blocking = info.gate ? blockingCount(info.gate) : 0;
  const head = [
    `${results.length} criteria from ${info.reports} report(s): ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped, ${count('missing')} missing.`,
    ...(info.gate
      ? [
          '',
          `${gateLine(info.gate)} ${blocking} blocking test(s), ${info.gate.knownFailures.length} known failure(s), ${info.gate.quarantined.length + info.gate.quarantinedByOwner.length} quarantined.`,
        ]
      : []),
    ...(info.codeHealth ? ['', codeHealthLine(info.codeHealth)] : []),
    '',
    '| TID | Criterion | Status | Tests |',
    '|---|---|---|---|',
  ];
  const unplaced =
    info.unplaced && info.unplaced.length > 0
      ? [
          '',
          'Failed tests whose file is not a path in this repository (no annotation):',
          ...info.unplaced.map((u) => `- ${u.replace(/\s+/g, ' ').slice(0, 300)}`),
        ]
      : [];
  const gateLists = info.gate ? renderGateLists(info.gate) : [];
  // Counted in UTF-8 bytes, which is never less than characters: the status icons are multi-byte.
  let size = Buffer.byteLength([...head, ...gateLists, ...unplaced].join('\n')) + 400;
  const rows: string[] = [];
  for (const r of results) {
    const text = r.text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 120);
    const tests = r.tests === 0 ? '—' : `${r.passed}/${r.tests} passed${r.flaky ? ' (flaky)' : ''}`;
    const row = `| **T${r.tid}** | ${text} | ${icon[r.status]} | ${tests} |`;
    const rowSize = Buffer.byteLength(row) + 1;
    if (size + rowSize > MAX_SUMMARY - 300) break;
    rows.push(row);
    size += rowSize;
  }
  const tail =
    rows.length < results.length
      ? [
          '',
          `${results.length - rows.length} more criteria not shown${info.detailsUrl ? ` — [see them all](${info.detailsUrl})` : ''}.`,
        ]
      : [];
  const title =
    conclusion === 'failure' && count('failed') === 0 && blocking > 0
      ? 'Failing tests block the check'
      : titles[conclusion];
  return { title, summary: [...head, ...rows, ...tail, ...gateLists, ...unplaced].join('\n') };
}
