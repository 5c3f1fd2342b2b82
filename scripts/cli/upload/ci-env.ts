/**
 * What a CI system tells a job about the commit it builds: the SHA, the git
 * ref and a run id shared by every job of the pipeline (so a matrix's reports
 * land in one run). Read from each CI's standard variables; pure.
 *
 * @module
 */

/** The CI systems whose variables are read, in the order they are tried. */
export type CiProvider = 'github' | 'gitlab' | 'circleci' | 'jenkins' | 'buildkite';

/** What the environment says about the build; every field may be missing. */
export interface CiDefaults {
  provider: CiProvider | null;
  sha?: string;
  /** A full ref: `refs/heads/x`, `refs/tags/v1` or `refs/pull/{n}/merge`. */
  ref?: string;
  runId?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const SHA = /^[0-9a-f]{40}$/i;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function sha(candidate: string | undefined): string | undefined {
  return candidate && SHA.test(candidate) ? candidate.toLowerCase() : undefined;
}

function branchRef(branch: string | undefined): string | undefined {
  if (!branch) return undefined;
  if (branch.startsWith('refs/')) return branch;
  return `refs/heads/${branch.replace(/^origin\//, '')}`;
}

function tagRef(tag: string | undefined): string | undefined {
  return tag ? `refs/tags/${tag}` : undefined;
}

/** `refs/pull/{n}/merge` for a positive pull-request number, else undefined. */
function pullRef(number: string | undefined): string | undefined {
  return number && /^[1-9]\d{0,9}$/.test(number) ? `refs/pull/${number}/merge` : undefined;
}

/**
 * A run id as `POST /ci/uploads` accepts it (letters, digits, `.`, `_`, `-`;
 * at most 100; starting with a letter or digit): other characters become `-`.
 */
export function toRunId(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return cleaned || undefined;
}

/** Another CI's run id, prefixed so it cannot collide with a GitHub run id of the same repository. */
function prefixed(provider: CiProvider, id: string | undefined): string | undefined {
  return id ? `${provider}-${id}` : undefined;
}

function github(env: Env): CiDefaults {
  const runId = value(env, 'GITHUB_RUN_ID');
  const attempt = value(env, 'GITHUB_RUN_ATTEMPT');
  return {
    provider: 'github',
    sha: sha(value(env, 'GITHUB_SHA')),
    ref: value(env, 'GITHUB_REF'),
    // The same run id the OIDC token yields (`run_id-run_attempt`).
    runId: toRunId(runId && attempt ? `${runId}-${attempt}` : runId),
  };
}

function gitlab(env: Env): CiDefaults {
  // A pipeline for a GitHub pull request (CI/CD for external repositories), or a merge request.
  const externalPull = value(env, 'CI_EXTERNAL_PULL_REQUEST_IID');
  const mergeRequestBranch = value(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME');
  return {
    provider: 'gitlab',
    sha: sha(
      value(env, 'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA') ??
        value(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA') ??
        value(env, 'CI_COMMIT_SHA'),
    ),
    ref:
      pullRef(externalPull) ??
      branchRef(mergeRequestBranch) ??
      tagRef(value(env, 'CI_COMMIT_TAG')) ??
      branchRef(value(env, 'CI_COMMIT_BRANCH') ?? value(env, 'CI_COMMIT_REF_NAME')),
    runId: toRunId(prefixed('gitlab', value(env, 'CI_PIPELINE_ID'))),
  };
}

function circleci(env: Env): CiDefaults {
  const pullUrl = value(env, 'CIRCLE_PULL_REQUEST');
  const pullNumber =
    value(env, 'CIRCLE_PR_NUMBER') ?? (pullUrl ? /\/pull\/(\d+)$/.exec(pullUrl)?.[1] : undefined);
  return {
    provider: 'circleci',
    sha: sha(value(env, 'CIRCLE_SHA1')),
    ref: pullRef(pullNumber) ?? tagRef(value(env, 'CIRCLE_TAG')) ?? branchRef(value(env, 'CIRCLE_BRANCH')),
    runId: toRunId(prefixed('circleci', value(env, 'CIRCLE_WORKFLOW_ID') ?? value(env, 'CIRCLE_BUILD_NUM'))),
  };
}

function jenkins(env: Env): CiDefaults {
  // Multibranch pipelines: CHANGE_ID is the pull request, BRANCH_NAME the branch (GIT_BRANCH may be `origin/x`).
  return {
    provider: 'jenkins',
    sha: sha(value(env, 'GIT_COMMIT')),
    ref:
      pullRef(value(env, 'CHANGE_ID')) ??
      tagRef(value(env, 'TAG_NAME')) ??
      branchRef(value(env, 'BRANCH_NAME') ?? value(env, 'GIT_BRANCH')),
    runId: toRunId(value(env, 'BUILD_TAG')),
  };
}

function buildkite(env: Env): CiDefaults {
  const pull = value(env, 'BUILDKITE_PULL_REQUEST');
  return {
    provider: 'buildkite',
    // BUILDKITE_COMMIT may be `HEAD` for a build not yet resolved: only a full SHA counts.
    sha: sha(value(env, 'BUILDKITE_COMMIT')),
    ref:
      pullRef(pull === 'false' ? undefined : pull) ??
      tagRef(value(env, 'BUILDKITE_TAG')) ??
      branchRef(value(env, 'BUILDKITE_BRANCH')),
    runId: toRunId(prefixed('buildkite', value(env, 'BUILDKITE_BUILD_ID'))),
  };
}

/**
 * The commit, ref and run id from the CI's standard variables: GitHub Actions
 * (`GITHUB_ACTIONS`), GitLab (`GITLAB_CI`), CircleCI (`CIRCLECI`), Jenkins
 * (`JENKINS_URL`), Buildkite (`BUILDKITE`). `provider: null` when none is
 * recognised. A SHA that is not 40 hex digits is dropped.
 */
export function ciDefaults(env: Env): CiDefaults {
  if (value(env, 'GITHUB_ACTIONS') === 'true') return github(env);
  if (value(env, 'GITLAB_CI')) return gitlab(env);
  if (value(env, 'CIRCLECI')) return circleci(env);
  if (value(env, 'BUILDKITE') === 'true') return buildkite(env);
  if (value(env, 'JENKINS_URL') || value(env, 'BUILD_TAG')?.startsWith('jenkins-')) return jenkins(env);
  return { provider: null };
}
