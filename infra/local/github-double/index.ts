/** The GitHub API double: see {@link FakeGitHub}. */
export { FakeHttpError } from './auth.ts';
export { type AppKeyFormat, type AppKeyPair, generateAppKeyPair, sharedAppKeyPair } from './keys.ts';
export type { FakeOAuthApp, RecordedAuthorization } from './oauth-routes.ts';
export type { FakeAppConfig } from './routes.ts';
export {
  FakeGitHub,
  type FakeGitHubOptions,
  type FaultMatch,
  type RecordedRequest,
  type RecordedWrite,
} from './server.ts';
export {
  accountIdOf,
  type CommentInput,
  type FakeAccountUser,
  type FakeCheckRun,
  type FakeComment,
  FakeGitHubState,
  type FakeInstallation,
  type FakeIssue,
  type FakeOrgMembership,
  type FakePullFile,
  type FakeRepository,
  type FakeRole,
  generatePullFiles,
  type IssueInput,
  MAX_PULL_FILES,
  type PullInput,
  randomSha,
} from './state.ts';
