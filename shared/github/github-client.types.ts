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
  /** GitHub's `author_association` of the author (`OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `FIRST_TIME_CONTRIBUTOR`, `NONE` …), when given. */
  authorAssociation?: string;
  /** `owner/repo` of the head branch (a fork's for a pull request from a fork), when GitHub still knows it. */
  headRepository?: string | null;
}

/** A workflow run's artifact (`GET /repos/{o}/{r}/actions/runs/{id}/artifacts`). */
export interface GitHubArtifact {
  id: number;
  name: string;
  /** Size of the zip archive in bytes. */
  sizeInBytes: number;
  /** True once GitHub removed the archive (retention ended): downloads answer 410. */
  expired: boolean;
  expiresAt: string | null;
  /** The run that wrote it, with its head commit. */
  workflowRun: { id: number; headSha: string | null } | null;
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
  /** Every artifact of a workflow run (paginated, at most 1,000). */
  listRunArtifacts(ref: RepoRef, runId: number): Promise<GitHubArtifact[]>;
  /**
   * Downloads an artifact's zip archive (GitHub answers 302 to a short-lived
   * URL, followed here). An expired artifact is a `GitHubApiError` with
   * status 410; an archive over `maxBytes` is refused before it is read whole.
   */
  downloadArtifact(ref: RepoRef, artifactId: number, maxBytes: number): Promise<Uint8Array>;
  /** The blob SHA of the file at `path` on `gitRef` (contents API), or `null` when there is none. */
  getFileSha(ref: RepoRef, path: string, gitRef: string): Promise<string | null>;
  /** Drops the cached token (and client) of an installation at once: it was deleted or suspended. */
  forgetInstallation(installationId: number): void;
}
