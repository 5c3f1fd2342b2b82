/** The GitHub API double: see {@link FakeGitHub}. */
export { FakeHttpError } from './auth.ts';
export { type AppKeyFormat, type AppKeyPair, generateAppKeyPair, sharedAppKeyPair } from './keys.ts';
export type { FakeAppConfig } from './routes.ts';
export {
  FakeGitHub,
  type FakeGitHubOptions,
  type FaultMatch,
  type RecordedRequest,
  type RecordedWrite,
} from './server.ts';
export {
  type CommentInput,
  type FakeCheckRun,
  type FakeComment,
  FakeGitHubState,
  type FakeInstallation,
  type FakeIssue,
  type FakePullFile,
  type FakeRepository,
  type FakeRole,
  generatePullFiles,
  type IssueInput,
  MAX_PULL_FILES,
  type PullInput,
  randomSha,
} from './state.ts';
