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
  },
): { title: string; summary: string } {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const head = [
    `${results.length} criteria from ${info.reports} report(s): ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped, ${count('missing')} missing.`,
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
  // Counted in UTF-8 bytes, which is never less than characters: the status icons are multi-byte.
  let size = Buffer.byteLength([...head, ...unplaced].join('\n')) + 400;
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
  return { title: titles[conclusion], summary: [...head, ...rows, ...tail, ...unplaced].join('\n') };
}
