import { blockingCount, type GateDecision, type GatedTest, gateLine } from '../analytics/gate.ts';
import type { Conclusion, ItemResult } from './item-status.ts';
import type { StoredFailure } from './junit-results.ts';

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

/** GitHub's limit on a check run's `output.text`, in UTF-8 bytes. */
export const MAX_TEXT = 65_535;

/** `classname › name` of a test, whitespace folded. */
export function failureLabel(failure: Pick<StoredFailure, 'classname' | 'name'>): string {
  return `${failure.classname ? `${failure.classname} › ` : ''}${failure.name}`.replace(/\s+/g, ' ').trim();
}

/**
 * Orders failures most important first: tests carrying a TID the pull
 * request expects, then other tagged tests, then the rest; errored before
 * failed within each group; report order otherwise.
 */
export function rankFailures(
  failures: readonly StoredFailure[],
  expectedTids: ReadonlySet<string> = new Set(),
) {
  const rank = (f: StoredFailure) =>
    (f.tids.some((t) => expectedTids.has(t)) ? 0 : f.tids.length > 0 ? 2 : 4) +
    (f.status === 'errored' ? 0 : 1);
  return failures
    .map((failure, index) => ({ failure, index }))
    .sort((a, b) => rank(a.failure) - rank(b.failure) || a.index - b.index)
    .map((x) => x.failure);
}

const fence = (text: string) => {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
};

/**
 * The check's `output.text`: the failing tests, most important first
 * ({@link rankFailures}), each with its message, the first lines of its
 * stack and `file:line`, within GitHub's 65,535-byte limit (the rest are
 * counted, with a link to the console when given).
 */
export function renderFailureList(
  failures: readonly StoredFailure[],
  options: {
    expectedTids?: ReadonlySet<string>;
    detailsUrl?: string;
    links?: ReadonlyMap<string, string>;
  } = {},
): string {
  if (failures.length === 0) return '';
  const ranked = rankFailures(failures, options.expectedTids);
  const lines: string[] = [`### Failing tests (${failures.length})`, ''];
  let size = Buffer.byteLength(lines.join('\n')) + 400;
  let shown = 0;
  for (const failure of ranked) {
    const where = failure.file ? ` — \`${failure.file}${failure.line ? `:${failure.line}` : ''}\`` : '';
    const tids = failure.tids.length > 0 ? ` (${failure.tids.join(', ')})` : '';
    const label = failureLabel(failure).slice(0, 200).replace(/`/g, "'");
    const link = options.links?.get(`${failure.suite}\u0000${failure.classname}\u0000${failure.name}`);
    const block = [
      `- ${failure.status === 'errored' ? '💥' : '❌'} \`${label}\`${tids}${where}${link ? ` · [attachments](${link})` : ''}`,
      ...(failure.message ? [`  > ${failure.message.replace(/\s+/g, ' ')}`] : []),
      ...(failure.stack
        ? [
            `  ${fence(failure.stack)}`,
            ...failure.stack.split('\n').map((l) => `  ${l}`),
            `  ${fence(failure.stack)}`,
          ]
        : []),
    ].join('\n');
    const blockSize = Buffer.byteLength(block) + 1;
    if (size + blockSize > MAX_TEXT - 200) break;
    lines.push(block);
    size += blockSize;
    shown += 1;
  }
  if (shown < failures.length)
    lines.push(
      '',
      `${failures.length - shown} more failing test(s) not shown${options.detailsUrl ? ` — [see them all](${options.detailsUrl})` : ''}.`,
    );
  return lines.join('\n');
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
    /** Failed tests of the merged reports (listed in `text`, most important first). */
    failures?: readonly StoredFailure[];
    /** Attachment links per test (`suite\0classname\0name` → URL). */
    attachmentLinks?: ReadonlyMap<string, string>;
    /** Reports pulled from a fork that wait for a person to trust the head SHA. */
    awaitingTrust?: { reports: number; headRepositories: readonly string[]; headSha: string };
  },
): { title: string; summary: string; text?: string } {
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
    ...(info.awaitingTrust ? ['', awaitingTrustLine(info.awaitingTrust)] : []),
    ...(info.failures && info.failures.length > 0
      ? ['', `${info.failures.length} failing test(s) — listed below with their messages and stacks.`]
      : []),
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
      : conclusion !== 'failure' && info.awaitingTrust
        ? 'Fork reports wait for trust'
        : titles[conclusion];
  const expectedTids = new Set(results.map((r) => `T${r.tid}`));
  const text = renderFailureList(info.failures ?? [], {
    expectedTids,
    ...(info.detailsUrl ? { detailsUrl: info.detailsUrl } : {}),
    ...(info.attachmentLinks ? { links: info.attachmentLinks } : {}),
  });
  return {
    title,
    summary: [...head, ...rows, ...tail, ...gateLists, ...unplaced].join('\n'),
    ...(text ? { text } : {}),
  };
}

/** What waits on a person before a fork's pulled reports may prove criteria. */
export function awaitingTrustLine(waiting: {
  reports: number;
  headRepositories: readonly string[];
  headSha: string;
}): string {
  return (
    `⏳ ${waiting.reports} report(s) pulled from ${waiting.headRepositories.map((r) => `\`${r}\``).join(', ')} ` +
    `wait for trust: until a person with write access comments \`/assay trust\` on the pull request ` +
    `(or trusts \`${waiting.headSha.slice(0, 7)}\` in the console), their failures count and their passes prove nothing.`
  );
}
