/**
 * Issues a pull request links to (SPEC §3), following GitHub's rules for
 * closing keywords, plus an issue number in the head branch's name.
 *
 * Keywords (GitHub's documented behaviour, "Linking a pull request to an
 * issue"):
 * - the nine keywords `close(s|d)`, `fix(es|ed)`, `resolve(s|d)`, in any case,
 *   optionally followed by a colon (`Closes: #10`, `CLOSES #10`);
 * - then, after whitespace and/or the colon, one reference: `#12`, `GH-12`,
 *   `owner/repo#12`, or an issue URL on the web host
 *   (`https://github.com/owner/repo/issues/12`). Pull-request URLs and other
 *   hosts are not issue links;
 * - several issues need the keyword each time (`Fixes #1, fixes #2`). GitHub's
 *   docs say "use the full syntax for each issue": in `Fixes #1, #2` only `#1`
 *   is linked, and so here;
 * - the keyword must start a word: `prefixes #12` and `fixes#12` (no
 *   separator) are not links; neither is `#12` without a keyword. GitHub
 *   treats a hyphen as a word boundary, so `auto-fixes #12`, `Bug-fix #12`,
 *   `hot-fix #13` and `no-close: #3091` do close their issues on merge
 *   (measured on github.com), and so they link here;
 * - only prose counts: the body is parsed as GitHub-flavoured Markdown and code
 *   blocks, inline code, block quotes and HTML (comments) are skipped.
 *
 * Branch names: see {@link parseBranchIssue}.
 *
 * @module
 */
import type { Nodes, PhrasingContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { parseBranchIssue } from './branch-links.ts';

export { parseBranchIssue } from './branch-links.ts';

/** An issue a pull request refers to. */
export interface IssueLink {
  owner: string;
  repo: string;
  number: number;
  /** `keyword`: a closing keyword in the title or body; `branch`: the head branch's name. */
  via: 'keyword' | 'branch';
  /** The keyword as written (`Fixes`), for `via: 'keyword'`. */
  keyword?: string;
}

/** What {@link parseLinkedIssues} reads. */
export interface LinkInput {
  title: string;
  body: string | null;
  headRef: string;
  /** `owner/repo` of the pull request: the repository of implicit `#12` references. */
  repoFullName: string;
  /** The GitHub web origin for issue URLs; default `https://github.com`. */
  webUrl?: string;
}

/** Bodies longer than this are cut before parsing (GitHub caps bodies at 65,536 characters). */
const MAX_BODY_CHARS = 65_536;
const KEYWORDS = 'close[sd]?|fix(?:e[sd])?|resolve[sd]?';
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const REPO = '[A-Za-z0-9._-]{1,100}';
const END = '(?![A-Za-z0-9_])';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keywordPattern(webUrl: string): RegExp {
  const host = escapeRegExp(webUrl.replace(/^https?:\/\//i, '').replace(/\/+$/, ''));
  const url = `https?://${host}/(${OWNER})/(${REPO})/issues/(\\d+)${END}`;
  const ref = `(?:(?:(${OWNER})/(${REPO}))?#(\\d+)${END}|GH-(\\d+)${END}|${url})`;
  // The keyword may not continue a word or a path; after a hyphen it starts a word, as on GitHub.
  return new RegExp(`(?<![A-Za-z0-9_/.])(${KEYWORDS})(?:\\s*:\\s*|\\s+)${ref}`, 'gi');
}

/** Text of phrasing content as GitHub reads it for references; inline code and HTML break adjacency. */
function phrasingText(nodes: readonly PhrasingContent[]): string {
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text') out += n.value;
    else if (n.type === 'break') out += '\n';
    else if (n.type === 'inlineCode' || n.type === 'html') out += ' \u0000 ';
    else if ('children' in n) out += phrasingText(n.children as PhrasingContent[]);
  }
  return out;
}

/** Prose blocks of a Markdown body (paragraphs, headings, table cells), without code, quotes or HTML. */
export function proseBlocks(markdown: string): string[] {
  const root = fromMarkdown(markdown.slice(0, MAX_BODY_CHARS), {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()],
  });
  const out: string[] = [];
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'code' || node.type === 'blockquote' || node.type === 'html') continue;
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      out.push(phrasingText(node.children));
      continue;
    }
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/** Finds keyword links in plain text, in order. */
function scanText(text: string, pattern: RegExp, owner: string, repo: string, into: IssueLink[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const [, keyword, refOwner, refRepo, refNum, ghNum, urlOwner, urlRepo, urlNum] = m;
    const number = Number(refNum ?? ghNum ?? urlNum);
    if (!Number.isSafeInteger(number) || number <= 0) continue;
    const link: IssueLink = {
      owner: urlOwner ?? refOwner ?? owner,
      repo: urlRepo ?? refRepo ?? repo,
      number,
      via: 'keyword',
    };
    if (keyword !== undefined) link.keyword = keyword;
    into.push(link);
  }
}

function dedupe(links: readonly IssueLink[]): IssueLink[] {
  const seen = new Set<string>();
  const out: IssueLink[] = [];
  for (const l of links) {
    const key = `${l.owner}/${l.repo}#${l.number}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
  }
  return out;
}

/**
 * The issues a pull request links: closing keywords in the title, then the
 * body (Markdown prose only), then an issue number in the head branch's name.
 * Implicit references take the pull request's repository; duplicates
 * (case-insensitive `owner/repo#n`) keep their first appearance.
 */
export function parseLinkedIssues(input: LinkInput): IssueLink[] {
  const [owner = '', repo = ''] = input.repoFullName.split('/');
  const pattern = keywordPattern(input.webUrl ?? 'https://github.com');
  const found: IssueLink[] = [];
  scanText(input.title, pattern, owner, repo, found);
  if (input.body) for (const block of proseBlocks(input.body)) scanText(block, pattern, owner, repo, found);
  const branch = parseBranchIssue(input.headRef);
  if (branch !== undefined) found.push({ owner, repo, number: branch, via: 'branch' });
  return dedupe(found);
}
