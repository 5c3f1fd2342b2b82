/**
 * Manifest entries (SPEC §3): for each checklist item of the linked issues,
 * its relevance to the change, the test to write (TID-convention name and a
 * path in the repository's layout) and the tests already in the diff that
 * carry its TID.
 *
 * @module
 */
import type { DiffAnalysis } from './diff.ts';
import { scoreRelevance } from './relevance.ts';
import { suggestTestName, suggestTestPath } from './test-layout.ts';

/** An issue by repository and number. */
export interface IssueKey {
  owner: string;
  repo: string;
  number: number;
}

/** One checklist item to account for. */
export interface ManifestItem {
  issue: IssueKey;
  tid: number;
  text: string;
}

/** One manifest row. */
export interface ManifestEntry {
  issue: IssueKey;
  tid: number;
  text: string;
  /** 0..1, two decimals. */
  relevance: number;
  reasons: string[];
  /** Always one suggestion: an existing TID test's file if there is one, else a path in the repo's layout. */
  suggestedTests: { name: string; path: string }[];
  existingTests: { file: string; line: number; name: string }[];
}

/**
 * Builds one manifest entry per item. The suggested path follows the most
 * relevant changed source file (`suggestTestPath`), else the layout default of
 * the repository's dominant language named after the issue (`issue-12`).
 * `knownPaths` are the PR's changed paths (and any tree paths known).
 */
export function buildManifestEntries(
  items: readonly ManifestItem[],
  analysis: DiffAnalysis,
  knownPaths: readonly string[],
): ManifestEntry[] {
  const byTid = new Map<number, ManifestEntry['existingTests']>();
  for (const t of analysis.taggedTests) {
    let list = byTid.get(t.tid);
    if (list === undefined) {
      list = [];
      byTid.set(t.tid, list);
    }
    if (!list.some((x) => x.file === t.file && x.line === t.line)) {
      list.push({ file: t.file, line: t.line, name: t.name });
    }
  }
  return items.map((item) => {
    const rel = scoreRelevance(item.text, analysis);
    const existingTests = byTid.get(item.tid) ?? [];
    const path =
      existingTests[0]?.file ?? suggestTestPath(rel.files[0] ?? '', knownPaths, `issue-${item.issue.number}`);
    return {
      issue: { owner: item.issue.owner, repo: item.issue.repo, number: item.issue.number },
      tid: item.tid,
      text: item.text,
      relevance: rel.score,
      reasons: rel.reasons,
      suggestedTests: [{ name: suggestTestName(item.tid, item.text), path }],
      existingTests: existingTests.map((t) => ({ ...t })),
    };
  });
}
