import { randomBytes } from 'node:crypto';

/** A repository role as `GET /repos/{o}/{r}/collaborators/{user}/permission` reports it in `role_name`. */
export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

export interface FakeInstallation {
  id: number;
  account: FakeUser;
  suspended: boolean;
}

export interface FakeRepository {
  id: number;
  owner: string;
  name: string;
  installationId: number;
  private: boolean;
  /** Issues and pull requests share one number sequence, as on GitHub. */
  items: Map<number, FakeIssue>;
  nextNumber: number;
  /** Lower-cased login → role. */
  roles: Map<string, FakeRole>;
}

export interface FakePullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  previous_filename?: string;
}

/** A workflow run's artifact: a ZIP archive GitHub keeps until `expiresAt` (then `expired`, downloads 410). */
export interface FakeArtifact {
  id: number;
  repositoryId: number;
  runId: number;
  name: string;
  headSha: string;
  /** The archive's bytes. */
  zip: Uint8Array;
  expired: boolean;
  createdAt: string;
  expiresAt: string;
}

export interface FakePull {
  headSha: string;
  headRef: string;
  /** `owner/repo` of the head branch when it lives in a fork (default: the repository itself). */
  headRepository?: string;
  /** GitHub's `author_association` of the author (default `MEMBER`; a fork's first pull request: `FIRST_TIME_CONTRIBUTOR`). */
  authorAssociation?: string;
  baseRef: string;
  baseSha: string;
  merged: boolean;
  draft: boolean;
  files: FakePullFile[];
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
  /** Present when the item is a pull request. */
  pull?: FakePull;
}

export interface FakeComment {
  id: number;
  repositoryId: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
  /** Set when the comment was written with an installation token. */
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FakeCheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
}

export interface FakeCheckRun {
  id: number;
  repositoryId: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: FakeCheckRunAnnotation[];
  startedAt: string;
  completedAt: string | null;
}

/** A GitHub user who can sign in through the OAuth web flow. */
export interface FakeAccountUser {
  id: number;
  login: string;
  name: string | null;
}

/** A membership in an organisation, as `GET /user/memberships/orgs/{org}` reports it. */
export interface FakeOrgMembership {
  role: 'admin' | 'member';
  state: 'active' | 'pending';
}

/** A user access token (`ghu_…`) from the OAuth web flow. */
export interface FakeUserToken {
  token: string;
  /** Lower-cased login of the user it belongs to. */
  login: string;
  expiresAt: number;
}

/** An authorisation code handed out by `/login/oauth/authorize`. */
export interface FakeOAuthCode {
  code: string;
  login: string;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

export interface FakeToken {
  token: string;
  installationId: number;
  expiresAt: number;
}

export interface IssueInput {
  number?: number;
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  user?: string | FakeUser;
}

export interface PullInput extends IssueInput {
  /** `owner/repo` of a fork the head branch lives in. */
  headRepository?: string;
  /** GitHub's `author_association` (default `MEMBER`). */
  authorAssociation?: string;
  headSha?: string;
  headRef?: string;
  baseRef?: string;
  baseSha?: string;
  merged?: boolean;
  draft?: boolean;
  /** The changed files, or how many to generate (`src/file-0001.ts` …). */
  files?: FakePullFile[] | number;
}

export interface CommentInput {
  body: string;
  user?: string | FakeUser;
}

/** GitHub lists at most this many files for a pull request. */
export const MAX_PULL_FILES = 3000;

const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += base62[byte % 62];
  return out;
}

/** A random 40-hex-digit commit SHA. */
export function randomSha(): string {
  return randomBytes(20).toString('hex');
}

/** `count` generated files, cheap enough to build 3,000-file pull requests. */
export function generatePullFiles(count: number): FakePullFile[] {
  return Array.from({ length: count }, (_, i) => ({
    filename: `src/file-${String(i + 1).padStart(4, '0')}.ts`,
    status: 'modified' as const,
    additions: 1,
    deletions: 1,
    changes: 2,
    patch: `@@ -1 +1 @@\n-export const v = ${i};\n+export const v = ${i + 1};`,
  }));
}

function toUser(user: string | FakeUser | undefined, fallback: string): FakeUser {
  if (user === undefined) return { login: fallback, type: 'User' };
  return typeof user === 'string' ? { login: user, type: 'User' } : user;
}

const repoKey = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();

/** The id the double gives an account nobody registered: stable per login (case-insensitive). */
export function accountIdOf(login: string): number {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return hash;
}

/**
 * Everything the GitHub double knows: installations and their repositories,
 * issues, pull requests and their files, comments, check runs, roles and
 * installation tokens. Tests seed it directly; the routes read and change it.
 */
export class FakeGitHubState {
  readonly installations = new Map<number, FakeInstallation>();
  readonly repositories = new Map<string, FakeRepository>();
  readonly comments = new Map<number, FakeComment>();
  readonly checkRuns = new Map<number, FakeCheckRun>();
  readonly tokens = new Map<string, FakeToken>();
  /** Lower-cased login → user (see {@link addUser}). */
  readonly users = new Map<string, FakeAccountUser>();
  /** Lower-cased org login → lower-cased user login → membership. */
  readonly orgMemberships = new Map<string, Map<string, FakeOrgMembership>>();
  /** User access tokens (`ghu_…`) minted by the OAuth code exchange. */
  readonly userTokens = new Map<string, FakeUserToken>();
  /** Authorisation codes from `/login/oauth/authorize`. */
  readonly oauthCodes = new Map<string, FakeOAuthCode>();
  /** Workflow-run artifacts by id (`addArtifact`). */
  readonly artifacts = new Map<number, FakeArtifact>();
  /** Short-lived download URLs (`/_double/artifact-blobs/{token}`) → artifact id and expiry (ms). */
  readonly artifactDownloads = new Map<string, { artifactId: number; expiresAt: number }>();
  /** File contents per repository id → `ref\0path` (the contents API): `addFile`. */
  readonly files = new Map<number, Map<string, string>>();
  /** How many installation tokens were minted (tokens of an uninstalled installation are dropped, not uncounted). */
  mintedTokens = 0;
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  /**
   * Adds an artifact to workflow run `runId` of `owner/name` (the ZIP's bytes as
   * `actions/upload-artifact` would store them); `expired` as after retention.
   */
  addArtifact(
    fullName: string,
    input: { runId: number; name: string; headSha: string; zip: Uint8Array; expired?: boolean },
  ): FakeArtifact {
    const [owner = '', name = ''] = fullName.split('/');
    const repository = this.findRepository(owner, name);
    if (!repository) throw new Error(`fake GitHub: no repository ${fullName}`);
    const artifact: FakeArtifact = {
      id: this.id(),
      repositoryId: repository.id,
      runId: input.runId,
      name: input.name,
      headSha: input.headSha,
      zip: input.zip,
      expired: input.expired ?? false,
      createdAt: this.timestamp(),
      expiresAt: new Date(this.now() + 90 * 86_400_000).toISOString(),
    };
    this.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  /** Sets the file at `path` on `ref` (a branch or commit SHA) of `owner/name`, for the contents API. */
  addFile(fullName: string, ref: string, path: string, content: string): void {
    const [owner = '', name = ''] = fullName.split('/');
    const repository = this.findRepository(owner, name);
    if (!repository) throw new Error(`fake GitHub: no repository ${fullName}`);
    const files = this.files.get(repository.id) ?? new Map<string, string>();
    this.files.set(repository.id, files);
    files.set(`${ref}\u0000${path}`, content);
  }

  /** A fresh id, shared by every kind of object (GitHub's are unique per kind; unique overall is stricter). */
  id(): number {
    return this.nextId++;
  }

  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Adds an installation on `account` with the named repositories (`'widgets'` or `'acme/widgets'`). */
  addInstallation(input: {
    id?: number;
    account: string;
    accountType?: 'User' | 'Organization';
    repositories?: string[];
  }): FakeInstallation {
    const id = input.id ?? this.id();
    if (this.installations.has(id)) throw new Error(`fake GitHub: installation ${id} exists`);
    const installation: FakeInstallation = {
      id,
      account: { login: input.account, type: input.accountType ?? 'Organization' },
      suspended: false,
    };
    this.installations.set(id, installation);
    for (const repo of input.repositories ?? []) this.addRepository(id, repo);
    return installation;
  }

  /** Adds a repository to an installation; a bare name is placed under the installation's account. */
  addRepository(
    installationId: number,
    fullOrName: string,
    options: { private?: boolean } = {},
  ): FakeRepository {
    const installation = this.installations.get(installationId);
    if (!installation) throw new Error(`fake GitHub: no installation ${installationId}`);
    const [owner, name] = fullOrName.includes('/')
      ? (fullOrName.split('/', 2) as [string, string])
      : [installation.account.login, fullOrName];
    const key = repoKey(owner, name);
    if (this.repositories.has(key)) throw new Error(`fake GitHub: repository ${key} exists`);
    const repository: FakeRepository = {
      id: this.id(),
      owner,
      name,
      installationId,
      private: options.private ?? true,
      items: new Map(),
      nextNumber: 1,
      roles: new Map(),
    };
    this.repositories.set(key, repository);
    return repository;
  }

  /**
   * Uninstalls the App from an installation, as `installation.deleted` reports:
   * the installation, its repositories and its tokens are gone, so a call with
   * a token minted before gets 401 "Bad credentials", as on GitHub.
   */
  uninstall(installationId: number): void {
    if (!this.installations.delete(installationId))
      throw new Error(`fake GitHub: no installation ${installationId}`);
    for (const [key, repository] of this.repositories)
      if (repository.installationId === installationId) this.repositories.delete(key);
    for (const [token, entry] of this.tokens)
      if (entry.installationId === installationId) this.tokens.delete(token);
  }

  /** Suspends (or, with `false`, unsuspends) an installation: its tokens then get 403 and none is minted. */
  suspend(installationId: number, suspended = true): void {
    const installation = this.installations.get(installationId);
    if (!installation) throw new Error(`fake GitHub: no installation ${installationId}`);
    installation.suspended = suspended;
  }

  /** Removes a repository from its installation (its tokens then answer 404 for it). */
  removeRepository(fullName: string): void {
    this.repositories.delete(fullName.toLowerCase());
  }

  /** The repository `owner/name` (case-insensitive), or undefined. */
  findRepository(owner: string, name: string): FakeRepository | undefined {
    return this.repositories.get(repoKey(owner, name));
  }

  /** The repository `owner/name`; throws when the test names one that was never added. */
  repository(fullName: string): FakeRepository {
    const repository = this.repositories.get(fullName.toLowerCase());
    if (!repository) throw new Error(`fake GitHub: no repository ${fullName}`);
    return repository;
  }

  private allocateNumber(repository: FakeRepository, wanted: number | undefined): number {
    const number = wanted ?? repository.nextNumber;
    if (repository.items.has(number)) throw new Error(`fake GitHub: #${number} exists in ${repository.name}`);
    repository.nextNumber = Math.max(repository.nextNumber, number + 1);
    return number;
  }

  /** Adds an issue. */
  addIssue(fullName: string, input: IssueInput = {}): FakeIssue {
    const repository = this.repository(fullName);
    const number = this.allocateNumber(repository, input.number);
    const at = this.timestamp();
    const issue: FakeIssue = {
      id: this.id(),
      number,
      title: input.title ?? `Issue ${number}`,
      body: input.body === undefined ? '' : input.body,
      state: input.state ?? 'open',
      user: toUser(input.user, 'octocat'),
      createdAt: at,
      updatedAt: at,
    };
    repository.items.set(number, issue);
    return issue;
  }

  /** Adds a pull request (also an issue, as on GitHub). */
  addPull(fullName: string, input: PullInput = {}): FakeIssue {
    const issue = this.addIssue(fullName, input);
    if (input.title === undefined) issue.title = `Pull request ${issue.number}`;
    issue.pull = {
      headSha: input.headSha ?? randomSha(),
      headRef: input.headRef ?? `feature-${issue.number}`,
      baseRef: input.baseRef ?? 'main',
      baseSha: input.baseSha ?? randomSha(),
      merged: input.merged ?? false,
      draft: input.draft ?? false,
      files: [],
      ...(input.headRepository === undefined ? {} : { headRepository: input.headRepository }),
      ...(input.authorAssociation === undefined ? {} : { authorAssociation: input.authorAssociation }),
    };
    this.setPullFiles(fullName, issue.number, input.files ?? 0);
    return issue;
  }

  /** Replaces a pull request's changed files (a count generates them). */
  setPullFiles(fullName: string, number: number, files: FakePullFile[] | number): void {
    const pull = this.repository(fullName).items.get(number)?.pull;
    if (!pull) throw new Error(`fake GitHub: no pull request #${number} in ${fullName}`);
    pull.files = typeof files === 'number' ? generatePullFiles(files) : files;
  }

  /** Adds a comment written by someone (a person by default). */
  addComment(fullName: string, issueNumber: number, input: CommentInput): FakeComment {
    const repository = this.repository(fullName);
    if (!repository.items.has(issueNumber)) throw new Error(`fake GitHub: no #${issueNumber} in ${fullName}`);
    return this.insertComment(repository, issueNumber, input.body, toUser(input.user, 'octocat'), false);
  }

  insertComment(
    repository: FakeRepository,
    issueNumber: number,
    body: string,
    user: FakeUser,
    viaApp: boolean,
  ): FakeComment {
    const at = this.timestamp();
    const comment: FakeComment = {
      id: this.id(),
      repositoryId: repository.id,
      issueNumber,
      body,
      user,
      viaApp,
      createdAt: at,
      updatedAt: at,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  /** The comments on one issue or pull request, oldest first. */
  commentsOn(fullName: string, issueNumber: number): FakeComment[] {
    const repository = this.repository(fullName);
    return [...this.comments.values()].filter(
      (c) => c.repositoryId === repository.id && c.issueNumber === issueNumber,
    );
  }

  /** The check runs of a repository, oldest first. */
  checkRunsOf(fullName: string): FakeCheckRun[] {
    const repository = this.repository(fullName);
    return [...this.checkRuns.values()].filter((c) => c.repositoryId === repository.id);
  }

  /** Sets a user's role on a repository (`none` by default for anyone not set). */
  setRole(fullName: string, login: string, role: FakeRole): void {
    this.repository(fullName).roles.set(login.toLowerCase(), role);
  }

  /** Mints an installation token valid for `ttlSeconds`. */
  mintToken(installationId: number, ttlSeconds: number): FakeToken {
    const token: FakeToken = {
      token: `ghs_${randomBase62(36)}`,
      installationId,
      expiresAt: this.now() + ttlSeconds * 1000,
    };
    this.tokens.set(token.token, token);
    this.mintedTokens += 1;
    return token;
  }

  /**
   * Adds a user who can sign in. The id defaults to the stable id the double
   * already gives that login elsewhere (comment authors, installation accounts).
   */
  addUser(input: { login: string; id?: number; name?: string | null }): FakeAccountUser {
    const key = input.login.toLowerCase();
    if (this.users.has(key)) throw new Error(`fake GitHub: user ${input.login} exists`);
    const user: FakeAccountUser = {
      id: input.id ?? accountIdOf(input.login),
      login: input.login,
      name: input.name === undefined ? input.login : input.name,
    };
    this.users.set(key, user);
    return user;
  }

  /** The user `login` (case-insensitive), or undefined. */
  findUser(login: string): FakeAccountUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** The user `login`, added if the test had not added it. */
  ensureUser(login: string): FakeAccountUser {
    return this.findUser(login) ?? this.addUser({ login });
  }

  /** The id of an account: a registered user's id, else the stable id of its login. */
  accountId(login: string): number {
    return this.findUser(login)?.id ?? accountIdOf(login);
  }

  /** Makes `login` (added if needed) a member of organisation `org` (active by default). */
  addOrgMember(
    org: string,
    login: string,
    role: 'admin' | 'member',
    options: { state?: 'active' | 'pending' } = {},
  ): void {
    this.ensureUser(login);
    const key = org.toLowerCase();
    const members = this.orgMemberships.get(key) ?? new Map<string, FakeOrgMembership>();
    members.set(login.toLowerCase(), { role, state: options.state ?? 'active' });
    this.orgMemberships.set(key, members);
  }

  /** Removes `login` from organisation `org`. */
  removeOrgMember(org: string, login: string): void {
    this.orgMemberships.get(org.toLowerCase())?.delete(login.toLowerCase());
  }

  /** `login`'s membership in `org`, or undefined. */
  orgMembership(org: string, login: string): FakeOrgMembership | undefined {
    return this.orgMemberships.get(org.toLowerCase())?.get(login.toLowerCase());
  }

  /**
   * The installations `login` can access, as `GET /user/installations` lists
   * them: on their own account, on organisations where they are an active
   * member, and where they have a role on one of the installation's repositories.
   */
  installationsVisibleTo(login: string): FakeInstallation[] {
    const key = login.toLowerCase();
    return [...this.installations.values()].filter((installation) => {
      const account = installation.account;
      if (account.type === 'User') return account.login.toLowerCase() === key;
      if (this.orgMembership(account.login, login)?.state === 'active') return true;
      return [...this.repositories.values()].some(
        (r) => r.installationId === installation.id && (r.roles.get(key) ?? 'none') !== 'none',
      );
    });
  }

  /** Hands out a single-use authorisation code for `login`, valid for `ttlSeconds`. */
  issueOAuthCode(input: {
    login: string;
    clientId: string;
    redirectUri: string;
    ttlSeconds: number;
  }): FakeOAuthCode {
    const code: FakeOAuthCode = {
      code: randomBytes(10).toString('hex'),
      login: input.login.toLowerCase(),
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      expiresAt: this.now() + input.ttlSeconds * 1000,
      used: false,
    };
    this.oauthCodes.set(code.code, code);
    return code;
  }

  /** Mints a user access token (`ghu_…`) for `login`, valid for `ttlSeconds`. */
  mintUserToken(login: string, ttlSeconds: number): FakeUserToken {
    const token: FakeUserToken = {
      token: `ghu_${randomBase62(36)}`,
      login: login.toLowerCase(),
      expiresAt: this.now() + ttlSeconds * 1000,
    };
    this.userTokens.set(token.token, token);
    return token;
  }
}
