import { describe, expect, it } from 'vitest';
import { ciDefaults, toRunId } from '../../../scripts/cli/upload/ci-env.ts';

const SHA = 'ABCDEF0123456789abcdef0123456789abcdef01';
const sha = SHA.toLowerCase();

describe('ciDefaults: the commit, ref and run id from each CI’s variables', () => {
  it.each([
    [
      'GitHub Actions (a pull_request build)',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/pull/12/merge',
        GITHUB_RUN_ID: '987',
        GITHUB_RUN_ATTEMPT: '3',
      },
      { provider: 'github', sha, ref: 'refs/pull/12/merge', runId: '987-3' },
    ],
    [
      'GitLab (branch pipeline)',
      {
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: SHA,
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_REF_NAME: 'main',
        CI_PIPELINE_ID: '55',
      },
      { provider: 'gitlab', sha, ref: 'refs/heads/main', runId: 'gitlab-55' },
    ],
    [
      'GitLab (merge request pipeline: the source branch and its head)',
      {
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: 'f'.repeat(40),
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/x',
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: SHA,
        CI_COMMIT_REF_NAME: 'feature/x',
        CI_PIPELINE_ID: '56',
      },
      { provider: 'gitlab', sha, ref: 'refs/heads/feature/x', runId: 'gitlab-56' },
    ],
    [
      'GitLab (a GitHub pull request of an external repository)',
      { GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_EXTERNAL_PULL_REQUEST_IID: '31', CI_PIPELINE_ID: '57' },
      { provider: 'gitlab', sha, ref: 'refs/pull/31/merge', runId: 'gitlab-57' },
    ],
    [
      'GitLab (tag)',
      {
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: SHA,
        CI_COMMIT_TAG: 'v1.2.0',
        CI_COMMIT_REF_NAME: 'v1.2.0',
        CI_PIPELINE_ID: '58',
      },
      { provider: 'gitlab', sha, ref: 'refs/tags/v1.2.0', runId: 'gitlab-58' },
    ],
    [
      'CircleCI (pull request)',
      {
        CIRCLECI: 'true',
        CIRCLE_SHA1: SHA,
        CIRCLE_BRANCH: 'feature',
        CIRCLE_PULL_REQUEST: 'https://github.com/acme/widgets/pull/44',
        CIRCLE_WORKFLOW_ID: '6f0c3f6e-9d6b-4a1e-9a43-1c2d3e4f5a6b',
      },
      {
        provider: 'circleci',
        sha,
        ref: 'refs/pull/44/merge',
        runId: 'circleci-6f0c3f6e-9d6b-4a1e-9a43-1c2d3e4f5a6b',
      },
    ],
    [
      'CircleCI (branch)',
      { CIRCLECI: 'true', CIRCLE_SHA1: SHA, CIRCLE_BRANCH: 'main', CIRCLE_WORKFLOW_ID: 'w1' },
      { provider: 'circleci', sha, ref: 'refs/heads/main', runId: 'circleci-w1' },
    ],
    [
      'Jenkins (multibranch pull request)',
      {
        JENKINS_URL: 'https://ci.example/',
        GIT_COMMIT: SHA,
        BRANCH_NAME: 'PR-7',
        CHANGE_ID: '7',
        BUILD_TAG: 'jenkins-acme/widgets/PR-7-12',
      },
      { provider: 'jenkins', sha, ref: 'refs/pull/7/merge', runId: 'jenkins-acme-widgets-PR-7-12' },
    ],
    [
      'Jenkins (classic job: GIT_BRANCH is origin/x)',
      {
        JENKINS_URL: 'https://ci.example/',
        GIT_COMMIT: SHA,
        GIT_BRANCH: 'origin/release',
        BUILD_TAG: 'jenkins-widgets-3',
      },
      { provider: 'jenkins', sha, ref: 'refs/heads/release', runId: 'jenkins-widgets-3' },
    ],
    [
      'Buildkite (pull request)',
      {
        BUILDKITE: 'true',
        BUILDKITE_COMMIT: SHA,
        BUILDKITE_BRANCH: 'feature',
        BUILDKITE_PULL_REQUEST: '9',
        BUILDKITE_BUILD_ID: 'b-1',
      },
      { provider: 'buildkite', sha, ref: 'refs/pull/9/merge', runId: 'buildkite-b-1' },
    ],
    [
      'Buildkite (branch; BUILDKITE_COMMIT not resolved yet)',
      {
        BUILDKITE: 'true',
        BUILDKITE_COMMIT: 'HEAD',
        BUILDKITE_BRANCH: 'main',
        BUILDKITE_PULL_REQUEST: 'false',
        BUILDKITE_BUILD_ID: 'b-2',
      },
      { provider: 'buildkite', ref: 'refs/heads/main', runId: 'buildkite-b-2' },
    ],
  ])('%s', (_name, env, expected) => {
    const found = ciDefaults(env);
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined))).toEqual(expected);
  });

  it('knows no provider in a plain shell', () => {
    expect(ciDefaults({ HOME: '/root', GIT_COMMIT: SHA })).toEqual({ provider: null });
  });
});

describe('toRunId', () => {
  it('keeps what POST /ci/uploads accepts and replaces the rest', () => {
    expect(toRunId('123-1')).toBe('123-1');
    expect(toRunId('jenkins-my job/PR 7-12')).toBe('jenkins-my-job-PR-7-12');
    expect(toRunId('--x')).toBe('x');
    expect(toRunId('!!!')).toBeUndefined();
    expect(toRunId('a'.repeat(150))).toHaveLength(100);
  });
});
