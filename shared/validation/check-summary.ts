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

/**
 * The check run's title and summary: counts, then one table row per item
 * (status, tests, flaky), truncated to fit GitHub's limit with the number left
 * out and a link to the full view.
 */
export function renderCheckSummary(
  conclusion: Conclusion,
  results: readonly ItemResult[],
  info: { reports: number; detailsUrl?: string },
): { title: string; summary: string } {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const head = [
    `${results.length} criteria from ${info.reports} report(s): ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped, ${count('missing')} missing.`,
    '',
    '| TID | Criterion | Status | Tests |',
    '|---|---|---|---|',
  ];
  let size = head.join('\n').length + 400;
  const rows: string[] = [];
  for (const r of results) {
    const text = r.text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 120);
    const tests = r.tests === 0 ? '—' : `${r.passed}/${r.tests} passed${r.flaky ? ' (flaky)' : ''}`;
    const row = `| **T${r.tid}** | ${text} | ${icon[r.status]} | ${tests} |`;
    if (size + row.length + 1 > MAX_SUMMARY - 300) break;
    rows.push(row);
    size += row.length + 1;
  }
  const tail =
    rows.length < results.length
      ? [
          '',
          `${results.length - rows.length} more criteria not shown${info.detailsUrl ? ` — [see them all](${info.detailsUrl})` : ''}.`,
        ]
      : [];
  return { title: titles[conclusion], summary: [...head, ...rows, ...tail].join('\n') };
}
