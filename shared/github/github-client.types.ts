/** What Assay needs from GitHub's REST API; implemented over @octokit/app in `github-client.ts`. */

export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface RepoRef {
  installationId: number;
  owner: string;
  repo: string;
}

export interface GitHubIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  htmlUrl: string;
  user: string | null;
  isPullRequest: boolean;
  updatedAt: string;
}

export interface GitHubComment {
  id: number;
  body: string;
  user: string | null;
  /** The author's account type (`User`, `Bot`, `Organization`); comments a GitHub App writes are by a `Bot`. */
  userType?: string;
  htmlUrl: string;
}

export interface GitHubPull {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  user: string | null;
  headSha: string;
  headRef: string;
  baseRef: string;
  htmlUrl: string;
}

export interface GitHubPullFile {
  filename: string;
  previousFilename?: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary files and very large diffs. */
  patch?: string;
}

/** What `GET /repos/{o}/{r}/compare/{base}...{head}` tells about the merge base. */
export interface GitHubComparison {
  /** The best common ancestor of base and head. */
  mergeBaseSha: string;
  /** Its committer date (ISO 8601), when GitHub gives it. */
  mergeBaseDate: string | null;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckRunAnnotation[];
}

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';
  detailsUrl?: string;
  externalId?: string;
  output?: CheckRunOutput;
}

export interface GitHubClient {
  getIssue(ref: RepoRef, issueNumber: number): Promise<GitHubIssue>;
  listIssueComments(ref: RepoRef, issueNumber: number): Promise<GitHubComment[]>;
  createIssueComment(ref: RepoRef, issueNumber: number, body: string): Promise<GitHubComment>;
  updateIssueComment(ref: RepoRef, commentId: number, body: string): Promise<GitHubComment>;
  getPull(ref: RepoRef, pullNumber: number): Promise<GitHubPull>;
  /** Every changed file, following pagination (GitHub lists at most 3,000). */
  listPullFiles(ref: RepoRef, pullNumber: number): Promise<GitHubPullFile[]>;
  createCheckRun(ref: RepoRef, input: CheckRunInput): Promise<{ id: number }>;
  updateCheckRun(ref: RepoRef, checkRunId: number, input: Partial<CheckRunInput>): Promise<{ id: number }>;
  getCollaboratorPermission(ref: RepoRef, username: string): Promise<RepositoryPermission>;
  /** The merge base of `base` (a branch or SHA) and `head` (compare API). */
  compareCommits(ref: RepoRef, base: string, head: string): Promise<GitHubComparison>;
  /** Drops the cached token (and client) of an installation at once: it was deleted or suspended. */
  forgetInstallation(installationId: number): void;
}
