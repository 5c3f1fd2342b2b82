import { boundedList } from '../github/limits.ts';

/** `… and 1,250 more (see the full manifest)` — the tail of a bounded list in generated text. */
export function moreText(more: number, detailsUrl: string | undefined): string {
  const count = more.toLocaleString('en-US');
  return `… and ${count} more${detailsUrl ? ` ([see the full manifest](${detailsUrl}))` : ''}`;
}

/** Hidden marker that identifies Assay's manifest comment on a pull request. */
export const MANIFEST_MARKER = '<!-- assay:manifest -->';

export interface LinkView {
  owner: string;
  repo: string;
  number: number;
  visible: boolean;
  items: number;
  /** The issue was transferred and is followed here from `owner/repo#n` (what the pull request wrote). */
  transferredFrom?: string;
  /** The issue was transferred to `owner/repo#n`, which Assay does not see. */
  transferredTo?: string;
}

export interface EntryView {
  issue: { owner: string; repo: string; number: number };
  tid: number;
  text: string;
  relevance: number;
  suggestedTests: { name: string; path: string }[];
  existingTests: { file: string; line: number; name: string }[];
}

/** Room for the table, under GitHub's 65,536-character limit on a comment (enforced again on write). */
const MAX_COMMENT = 65_000;
/** Linked issues named in the comment; the rest are counted, with a link to the full manifest. */
export const MAX_LINKS_SHOWN = 50;

const cell = (text: string, max = 90) => {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function issueRef(link: { owner: string; repo: string; number: number }, repoFullName: string): string {
  return `${link.owner}/${link.repo}`.toLowerCase() === repoFullName.toLowerCase()
    ? `#${link.number}`
    : `${link.owner}/${link.repo}#${link.number}`;
}

/**
 * The manifest comment: the linked issues, then one table row per criterion
 * the pull request owes — its relevance to the change, the test to write
 * (name in the TID convention and a path in the repository's layout), and the
 * tagged tests already in the diff. Fits GitHub's comment limit, saying how
 * many rows were left out.
 */
export function renderManifestComment(input: {
  repoFullName: string;
  headSha: string;
  links: readonly LinkView[];
  entries: readonly EntryView[];
  detailsUrl?: string;
}): string {
  const sha = input.headSha.slice(0, 7);
  const lines = [MANIFEST_MARKER, `### Test manifest (Assay) for \`${sha}\``, ''];
  if (input.links.length === 0) {
    lines.push(
      'This pull request links no issue, so Assay expects no tests from it. Link one with a closing keyword in the description (`Fixes #12`) or put the issue number in the branch name (`12-short-name`).',
    );
    return lines.join('\n');
  }
  const links = boundedList(input.links, MAX_LINKS_SHOWN);
  const linkText = links.shown.map((l) => {
    const ref = issueRef(l, input.repoFullName);
    if (l.transferredTo) return `${ref} (transferred to ${l.transferredTo}, not visible to Assay)`;
    if (!l.visible) return `${ref} (not visible to Assay)`;
    if (l.transferredFrom) return `${ref} (transferred from ${l.transferredFrom}; ${l.items} criteria)`;
    return `${ref} (${l.items} criteria)`;
  });
  if (links.more > 0) linkText.push(moreText(links.more, input.detailsUrl));
  lines.push(`Linked issues: ${linkText.join(', ')}`, '');
  if (input.entries.length === 0) {
    lines.push('The linked issues have no acceptance criteria yet.');
    return lines.join('\n');
  }
  lines.push(
    '| TID | Criterion | Relevance | Suggested test | Already in this PR |',
    '|---|---|---|---|---|',
  );
  const footer = [
    '',
    `The \`Assay\` check on \`${sha}\` waits for the test report of this commit. Tag each test with its TID (\`T12::…\`, classname \`autoqa:T12\`, or \`[T12]\`).`,
  ];
  let size = lines.join('\n').length + footer.join('\n').length + 200;
  let shown = 0;
  for (const entry of input.entries) {
    const suggested = entry.suggestedTests[0];
    const existing = entry.existingTests.map((t) => `\`${cell(t.file, 60)}:${t.line}\``).join('<br>');
    const row = `| **T${entry.tid}** | ${cell(entry.text)} | ${entry.relevance.toFixed(2)} | ${
      suggested ? `\`${cell(suggested.name, 70)}\` in \`${cell(suggested.path, 70)}\`` : '—'
    } | ${existing || '—'} |`;
    if (size + row.length + 1 > MAX_COMMENT) break;
    lines.push(row);
    size += row.length + 1;
    shown += 1;
  }
  if (shown < input.entries.length) {
    const more = input.entries.length - shown;
    lines.push(
      '',
      `${more} more criteria are not shown${input.detailsUrl ? `; see [the full manifest](${input.detailsUrl})` : ''}.`,
    );
  }
  return [...lines, ...footer].join('\n');
}
