/**
 * The help text of every CLI command. It lives apart from the commands so that
 * `assay --help` loads nothing else.
 *
 * @module
 */

export const queuesUsage = `  queues [list]                      message counts per local queue
  queues dead-letters <queue>        dead letters of a local queue (JSON)
  queues redrive <queue> [ids…]      move dead letters back to their queue
`;

export const tokenUsage = `  token create --org <login> --role <role> [--user <login>] [--name <name>] [--days <n>]
                                     mint an API token directly in the database (JSON, shown once)
`;

export const reportUsage = `  report <file> [--cases]            parse a JUnit XML, CTRF or code-health report locally (JSON summary;
                                     --cases lists every testcase; exit 2 when the file is not a
                                     valid report)
`;

export const devUsage = `  dev url                            the API URL of the running local runtime
  dev install --org <login> [--repo <name>]… [--sender <login>] [--url <runtime URL>]
                                     install the App on an organisation of the local GitHub double
                                     (the installing user, default octocat, becomes its owner)
  dev member --org <login> --login <user> [--role admin|member]
                                     make a user a member of that organisation (an owner with admin);
                                     they get the role when they sign in to the console
  dev issue --repo <org/repo> --title <title> (--body <text> | --body-file <file>)
                                     open an issue there and wait for Assay's checklist comment
  dev pull --repo <org/repo> --head-sha <sha> [--title <title>] (--body <text> | --body-file <file>)
                                     open a pull request there and wait for Assay's manifest comment
  dev comments --repo <org/repo> --number <n> [--json]
                                     the comments on an issue or pull request of the double
`;

export const criteriaUsage = `  criteria <file.md> [--title "…"]   print the acceptance criteria Assay extracts from an issue body
                                     (JSON; "-" reads standard input; exit 2 when the file is unreadable)
`;

export const agentsUsage = `  agents run --org <login> [--repo <owner/name> --issue N…] [--crawl <id>] [--doc <id>…]
             [--instructions <text>] [--token-budget N] [--no-approvals] [--yes]
                                     run the agent pipeline, following its events and asking for each approval
                                     in the terminal (approve, edit in $EDITOR, reject; --yes approves without
                                     asking; without a terminal and --yes: exit 2); the finished run as JSON`;

export const crawlUsage = `  crawl <url> --org <login> [--max-pages N] [--max-depth N] [--same-hostname] [--ignore-robots-txt]
                                     crawl a running web app now, printing each page; JSON summary at the end
`;

export const documentsUsage = `  documents upload <file>… --org <login> [--title <t>] [--url <api> --token <token>] [--no-wait]
                                     upload requirement documents; prints each one's status (JSON)
  search "<query>" --org <login> [--mode hybrid|vector|text] [--limit <n>] [--url <api> --token <token>]
                                     search the organisation's documents (JSON)
  (with --url/--token or ASSAY_URL/ASSAY_TOKEN: through the API; otherwise straight on the local data directory)
`;

export const uploadUsage = `  upload --url <assay> [--junit <glob>]… [--ctrf <glob>]… [--code-health <glob>]… [--token <upload token>]
         [--sha <sha>] [--ref <ref>] [--run-id <id>] [--force] [--fail-on-missing]
                                     upload CI reports to Assay, one presigned URL per file (JSON summary);
                                     OIDC inside GitHub Actions (id-token: write), else an upload token
                                     (--token or ASSAY_UPLOAD_TOKEN) with --sha/--ref/--run-id defaulting
                                     from GitHub, GitLab, CircleCI, Jenkins or Buildkite variables; each
                                     file is checked like \`assay report\` first (--force skips the check).
                                     Exit 0 ok · 1 upload failed · 2 usage · 3 auth refused or missing ·
                                     4 invalid report (nothing uploaded) · 5 no file with --fail-on-missing
`;
