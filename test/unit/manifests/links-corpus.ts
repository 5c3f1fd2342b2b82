/**
 * Link-parsing corpus: realistic PR titles, bodies and branch names. Each
 * expectation is `owner/repo#n` (keyword link) or `owner/repo#n@branch`, in
 * order. The PR's repository is `acme/web` unless `repo` says otherwise.
 */
export interface LinkCase {
  name: string;
  title?: string;
  body?: string | null;
  branch?: string;
  repo?: string;
  webUrl?: string;
  expect: string[];
}

const fence = '```';

export const LINK_CASES: LinkCase[] = [
  // Keywords: all nine, any case, colon.
  { name: 'close', body: 'close #1', expect: ['acme/web#1'] },
  { name: 'closes', body: 'This PR closes #2.', expect: ['acme/web#2'] },
  { name: 'closed', body: 'closed #3', expect: ['acme/web#3'] },
  { name: 'fix', body: 'fix #4', expect: ['acme/web#4'] },
  { name: 'fixes', body: 'Fixes #5', expect: ['acme/web#5'] },
  { name: 'fixed', body: 'Fixed #6 by checking the token first', expect: ['acme/web#6'] },
  { name: 'resolve', body: 'resolve #7', expect: ['acme/web#7'] },
  { name: 'resolves', body: 'Resolves #8', expect: ['acme/web#8'] },
  { name: 'resolved', body: 'resolved #9', expect: ['acme/web#9'] },
  { name: 'upper case', body: 'CLOSES #10', expect: ['acme/web#10'] },
  { name: 'mixed case', body: 'FiXeS #11', expect: ['acme/web#11'] },
  { name: 'colon', body: 'Closes: #12', expect: ['acme/web#12'] },
  { name: 'upper case with colon', body: 'CLOSES: #13', expect: ['acme/web#13'] },
  { name: 'colon without space', body: 'Fixes:#14', expect: ['acme/web#14'] },
  { name: 'in the title', title: 'Validate emails on signup (fixes #15)', expect: ['acme/web#15'] },
  { name: 'title in brackets', title: '[Fix #16] crash on empty cart', expect: ['acme/web#16'] },
  {
    name: 'conventional title',
    title: 'fix(auth): reject expired tokens, closes #17',
    expect: ['acme/web#17'],
  },
  { name: 'heading', body: '## Resolves #18\n\nDetails.', expect: ['acme/web#18'] },
  { name: 'list item', body: '- Closes #19\n- Tidies the README', expect: ['acme/web#19'] },
  { name: 'task list item', body: '- [x] fixes #20', expect: ['acme/web#20'] },
  { name: 'bold keyword', body: '**Fixes** #21', expect: ['acme/web#21'] },
  { name: 'GH- reference', body: 'Fixes GH-22', expect: ['acme/web#22'] },
  // Several per line / per body.
  { name: 'two with keywords', body: 'Fixes #23, fixes #24', expect: ['acme/web#23', 'acme/web#24'] },
  {
    name: 'keyword once for two (GitHub links only the first)',
    body: 'Fixes #25, #26',
    expect: ['acme/web#25'],
  },
  { name: 'and-joined', body: 'Closes #27 and resolves #28.', expect: ['acme/web#27', 'acme/web#28'] },
  {
    name: 'mixed kinds on a line',
    body: 'Resolves #10, resolves #123, resolves octo-org/octo-repo#100',
    expect: ['acme/web#10', 'acme/web#123', 'octo-org/octo-repo#100'],
  },
  { name: 'several lines', body: 'Fixes #29\nFixes #30\n', expect: ['acme/web#29', 'acme/web#30'] },
  {
    name: 'title and body, title first',
    title: 'Fix #31',
    body: 'closes #32',
    expect: ['acme/web#31', 'acme/web#32'],
  },
  // Cross-repository and URLs.
  { name: 'owner/repo', body: 'Fixes octo-org/octo-repo#100', expect: ['octo-org/octo-repo#100'] },
  { name: 'owner/repo with dots', body: 'closes acme/web.site#7', expect: ['acme/web.site#7'] },
  { name: 'issue URL', body: 'Closes https://github.com/acme/api/issues/33', expect: ['acme/api#33'] },
  {
    name: 'issue URL to a comment',
    body: 'Fixes https://github.com/acme/web/issues/34#issuecomment-99',
    expect: ['acme/web#34'],
  },
  { name: 'pull URL is not an issue', body: 'Fixes https://github.com/acme/web/pull/35', expect: [] },
  { name: 'other host', body: 'Fixes https://gitlab.com/acme/web/issues/36', expect: [] },
  { name: 'look-alike host', body: 'Fixes https://github.com.evil.io/acme/web/issues/37', expect: [] },
  { name: 'Jira URL', body: 'Resolves https://acme.atlassian.net/browse/WEB-38', expect: [] },
  {
    name: 'enterprise host',
    body: 'Fixes https://ghe.acme.corp/platform/web/issues/39',
    webUrl: 'https://ghe.acme.corp/',
    expect: ['platform/web#39'],
  },
  {
    name: 'github.com URL on enterprise',
    body: 'Fixes https://github.com/a/b/issues/40',
    webUrl: 'https://ghe.acme.corp',
    expect: [],
  },
  // Dedupe.
  { name: 'same issue twice', body: 'Fixes #41\n\nAlso fixes #41', expect: ['acme/web#41'] },
  {
    name: 'explicit own repo is the same issue',
    body: 'Fixes #42, fixes ACME/Web#42',
    expect: ['acme/web#42'],
  },
  {
    name: 'URL and short form dedupe',
    body: 'Fixes https://github.com/acme/web/issues/43 (fixes #43)',
    expect: ['acme/web#43'],
  },
  // False friends.
  { name: 'no keyword', body: 'Related to #44', expect: [] },
  { name: 'prefix word', body: 'prefix #45 with a hash', expect: [] },
  { name: 'keyword inside a word', body: 'prefixes #46 and suffixes #47', expect: [] },
  // GitHub treats a hyphen as a word boundary (measured on github.com): these close the issue on merge.
  { name: 'hyphenated', body: 'auto-fixes #48', expect: ['acme/web#48'] },
  { name: 'hyphen before close and colon', body: 'no-close: #3091', expect: ['acme/web#3091'] },
  { name: 'Bug-fix', body: 'Bug-fix #12', expect: ['acme/web#12'] },
  { name: 'hot-fix', body: 'hot-fix #13', expect: ['acme/web#13'] },
  { name: 'auto-closes', body: 'auto-closes #14', expect: ['acme/web#14'] },
  {
    name: 'hyphenated keyword in a title',
    title: 'Bug-fix: resolve-d? no: hot-fix #15',
    expect: ['acme/web#15'],
  },
  { name: 'no separator', body: 'fixes#49', expect: [] },
  { name: 'bare reference', body: '#50', expect: [] },
  { name: 'fixed-width', body: 'Use a fixed-width font for #51', expect: [] },
  { name: 'keyword then prose', body: 'This fixes the bug from #52', expect: [] },
  { name: 'closing keyword not on the list', body: 'Closing #53 and addresses #54', expect: [] },
  { name: 'refs keyword', body: 'Refs #55', expect: [] },
  { name: 'hash glued to letters', body: 'Fixes #56abc', expect: [] },
  { name: 'number zero', body: 'Fixes #0', expect: [] },
  { name: 'path-like', body: 'See docs/fixes #57', expect: [] },
  // Markdown contexts that do not count.
  { name: 'fenced code', body: `${fence}\ngit commit -m "fixes #58"\n${fence}`, expect: [] },
  { name: 'indented code', body: 'Example:\n\n    Fixes #59\n', expect: [] },
  { name: 'inline code', body: 'Write `fixes #60` in the body', expect: [] },
  { name: 'keyword in code, number outside', body: '`Fixes` #61', expect: [] },
  { name: 'block quote', body: '> Fixes #62\n\nQuoting the template.', expect: [] },
  { name: 'HTML comment', body: '<!-- Fixes #63 -->\nDescription here', expect: [] },
  { name: 'inline HTML comment', body: 'Hello <!-- fixes #64 --> world', expect: [] },
  {
    name: 'PR template leftovers and a real link',
    body: '<!-- Please write "Fixes #<issue>" below -->\n\n## Description\n\nFixes #65\n\n```\nfixes #66\n```',
    expect: ['acme/web#65'],
  },
  { name: 'null body', title: 'Tidy', body: null, expect: [] },
  {
    name: 'table cell',
    body: '| Issue | Note |\n| --- | --- |\n| Fixes #67 | login |',
    expect: ['acme/web#67'],
  },
  // Branches.
  { name: 'feature/12-login', branch: 'feature/12-login', expect: ['acme/web#12@branch'] },
  { name: '12-login', branch: '12-login', expect: ['acme/web#12@branch'] },
  { name: 'fix-12', branch: 'fix-12', expect: ['acme/web#12@branch'] },
  { name: 'issue-12', branch: 'issue-12', expect: ['acme/web#12@branch'] },
  { name: 'issue_12_email', branch: 'alice/issue_12_email', expect: ['acme/web#12@branch'] },
  { name: 'bug/12', branch: 'bug/12', expect: ['acme/web#12@branch'] },
  { name: 'gh-12', branch: 'gh-12', expect: ['acme/web#12@branch'] },
  { name: 'GitHub-created branch', branch: '1234-add-password-reset', expect: ['acme/web#1234@branch'] },
  { name: 'copilot branch', branch: 'copilot/fix-321', expect: ['acme/web#321@branch'] },
  { name: 'release branch', branch: 'release/1.2', expect: [] },
  { name: 'v2', branch: 'v2', expect: [] },
  { name: 'v1.4.0-rc', branch: 'hotfix/v1.4.0-rc', expect: [] },
  { name: 'dependabot', branch: 'dependabot/npm_and_yarn/lodash-4.17.21', expect: [] },
  { name: 'renovate', branch: 'renovate/major-react-monorepo-19', expect: [] },
  { name: 'revert branch carries a PR number', branch: 'revert-88-feature/login', expect: [] },
  { name: 'digits in a word', branch: 'feature/oauth2-login', expect: [] },
  { name: 'h1-fix', branch: 'h1-fix', expect: [] },
  { name: 'Jira key', branch: 'feature/WEB-123-login', expect: [] },
  { name: 'trailing counter', branch: 'feature/login-page-2', expect: [] },
  { name: 'date', branch: 'chore/2024-03-cleanup', expect: [] },
  { name: 'no number', branch: 'main', expect: [] },
  { name: 'merge queue', branch: 'gh-readonly-queue/main/pr-12-abc123', expect: [] },
  // Together.
  {
    name: 'keyword and branch, branch last',
    title: 'Add password reset',
    body: 'Closes #70',
    branch: 'feature/71-reset',
    expect: ['acme/web#70', 'acme/web#71@branch'],
  },
  {
    name: 'keyword and same branch number dedupe',
    body: 'Fixes #72',
    branch: '72-x',
    expect: ['acme/web#72'],
  },
  {
    name: 'other repo of the PR',
    repo: 'octo/api',
    body: 'Fixes #73 and fixes acme/web#74',
    expect: ['octo/api#73', 'acme/web#74'],
  },
  {
    name: 'realistic body',
    title: 'feat(signup): validate email addresses',
    body: [
      '## Summary',
      '',
      'Adds server-side validation for email addresses on signup.',
      '',
      '## Related',
      '',
      '- Fixes #75',
      '- Part of #76 (not closed)',
      '- Follows up acme/design#3',
      '',
      '> [!NOTE]',
      '> fixes #77 is a separate change',
      '',
      '## Test plan',
      '',
      '```sh',
      'npm test -- --grep "fixes #78"',
      '```',
    ].join('\n'),
    branch: 'feat/signup-email',
    expect: ['acme/web#75'],
  },
];
