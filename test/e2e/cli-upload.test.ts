import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startActionsTokenEndpoint } from '../../infra/local/fake-oidc/actions-token-endpoint.ts';
import type { FakeOidcIssuer } from '../../infra/local/fake-oidc/index.ts';
import { createS3Client } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { callApi } from '../support/api-client.ts';
import {
  listObjectKeys,
  type SeededRepo,
  seedInstallation,
  seedRepo,
  startRuntimeWithFakeOidc,
} from '../support/ci-repos.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { seedOrg, seedSession, seedUser } from '../support/identity.ts';
import { runCommand } from '../support/run-command.ts';
import type { TestRuntime } from '../support/test-runtime.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin', 'assay.js');
const work = mkdtempSync(join(tmpdir(), 'assay-cli-upload-'));
const SHA = 'c0ffee'.padEnd(40, '1');
const JUNIT = (n: number) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="s${n}" tests="1"><testcase classname="assay:T${n}" name="case ${n}"/></testsuite>\n`;
const CODE_HEALTH = JSON.stringify({
  findings: [{ rule: 'no-eval', severity: 'high', file: 'src/a.ts', line: 3, message: 'eval is evil' }],
});

let runtime: TestRuntime;
let oidc: FakeOidcIssuer;
let proxy: FaultProxy;
let repo: SeededRepo;
let uploadToken = '';

/** The environment without any CI's variables (the tests may themselves run in CI). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(GITHUB_|ACTIONS_|RUNNER_|INPUT_|CI_|GITLAB|CIRCLE|BUILDKITE|ASSAY_)/.test(name) ||
      ['JENKINS_URL', 'BUILD_TAG', 'GIT_COMMIT', 'GIT_BRANCH', 'CHANGE_ID', 'BRANCH_NAME'].includes(name)
    ) {
      delete env[name];
    }
  }
  return { ...env, ASSAY_LOG_LEVEL: 'SILENT', ...extra };
}

/** A fresh directory with `files` (path → content). */
function workspace(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `assay upload …` in `cwd`, as a user runs it (the built CLI on the pinned Node). */
async function assayUpload(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCommand(process.execPath, [bin, 'upload', ...args], { env: cleanEnv(env), cwd });
  let json: any;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ...result, json };
}

async function objectText(key: string): Promise<string> {
  const config = getConfig();
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const object = await createS3Client(config).send(
    new GetObjectCommand({ Bucket: config.ASSAY_S3_BUCKET, Key: key }),
  );
  return (await object.Body?.transformToString()) ?? '';
}

async function runRow(runId: string) {
  return withSystem(runtime.db, (trx) =>
    trx
      .selectFrom('ci_runs')
      .select(['head_sha', 'ref', 'auth_kind'])
      .where('repository_id', '=', repo.id)
      .where('run_id', '=', runId)
      .executeTakeFirst(),
  );
}

beforeAll(async () => {
  ({ runtime, oidc } = await startRuntimeWithFakeOidc());
  proxy = await startFaultProxy(runtime.url);
  const orgId = await seedOrg(runtime.db, 'acme');
  await seedInstallation(runtime.db, 8101, orgId);
  repo = await seedRepo(runtime.db, orgId, 8101, 'acme', 'widgets');
  const admin = await seedUser(runtime.db, 'ada', { orgId, role: 'admin' });
  const session = (await seedSession(runtime.db, admin)).token;
  const created = await callApi(runtime.url, session, 'POST', '/repos/acme/widgets/upload-tokens', {
    name: 'gitlab',
  });
  expect(created.status).toBe(201);
  uploadToken = created.body.token;
});

afterAll(async () => {
  await proxy?.close();
  await runtime?.dispose();
  await oidc?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('npx assay upload with an upload token', () => {
  it('uploads one matched file, taking the commit, branch and pipeline from GitLab CI variables', async () => {
    const dir = workspace('one', { 'reports/junit.xml': JUNIT(1), 'reports/notes.txt': 'not matched' });
    const result = await assayUpload(dir, ['--url', runtime.url, '--junit', 'reports/*.xml'], {
      ASSAY_UPLOAD_TOKEN: uploadToken,
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_BRANCH: 'main',
      CI_PIPELINE_ID: '4242',
    });
    expect(result.stderr).toMatch(/uploaded junit reports\/junit\.xml \(\d+ B\) → run gitlab-4242/);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ exitCode: 0, uploaded: 1, runId: 'gitlab-4242', unmatched: [] });
    const [file] = result.json.files;
    expect(file).toMatchObject({ file: 'reports/junit.xml', kind: 'junit', status: 'uploaded' });
    expect(file.key).toMatch(/^orgs\/acme\/repos\/widgets\/runs\/gitlab-4242\/junit\/[0-9a-f-]{36}\.xml$/);
    expect(await objectText(file.key)).toBe(JUNIT(1));
    expect(await runRow('gitlab-4242')).toEqual({
      head_sha: SHA,
      ref: 'refs/heads/main',
      auth_kind: 'upload_token',
    });
    // The token never reaches the output.
    expect(result.stdout + result.stderr).not.toContain(uploadToken);
  });

  it('matches 0 files: nothing to do (exit 0), or exit 5 with --fail-on-missing', async () => {
    const dir = workspace('none', { 'other/file.txt': 'x' });
    const args = ['--url', runtime.url, '--junit', 'reports/**/*.xml', '--sha', SHA];
    const quiet = await assayUpload(dir, args, { ASSAY_UPLOAD_TOKEN: uploadToken });
    expect(quiet.code).toBe(0);
    expect(quiet.json).toMatchObject({
      uploaded: 0,
      files: [],
      unmatched: [{ kind: 'junit', pattern: 'reports/**/*.xml' }],
    });
    expect(quiet.stderr).toMatch(/no file matches junit pattern "reports\/\*\*\/\*\.xml"/);
    const strict = await assayUpload(dir, [...args, '--fail-on-missing'], {
      ASSAY_UPLOAD_TOKEN: uploadToken,
    });
    expect(strict.code).toBe(5);
    expect(strict.stderr).toMatch(/No junit report matched \(fail-on-missing\)/);
  });

  it('matches 20 files: each gets its own presigned URL, all in one run', async () => {
    const files: Record<string, string> = {};
    for (let n = 1; n <= 20; n++) files[`build/module-${n % 4}/test-results/TEST-${n}.xml`] = JUNIT(n);
    files['build/node_modules/dep/TEST-dep.xml'] = JUNIT(99);
    const dir = workspace('twenty', files);
    const result = await assayUpload(
      dir,
      [
        '--url',
        runtime.url,
        '--junit',
        'build/**/TEST-*.xml',
        '--sha',
        SHA,
        '--ref',
        'refs/heads/feature',
        '--run-id',
        'matrix-20',
      ],
      { ASSAY_UPLOAD_TOKEN: uploadToken },
    );
    expect(result.code).toBe(0);
    expect(result.json.uploaded).toBe(20);
    const keys = result.json.files.map((f: { key: string }) => f.key);
    expect(new Set(keys).size).toBe(20);
    expect(result.json.files.every((f: { runId: string }) => f.runId === 'matrix-20')).toBe(true);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/matrix-20/')).toEqual([...keys].sort());
    // node_modules is skipped unless a pattern names it.
    expect(result.json.files.map((f: { file: string }) => f.file)).not.toContain(
      'build/node_modules/dep/TEST-dep.xml',
    );
  });

  it('refuses an invalid report before uploading anything, and uploads it with --force', async () => {
    const dir = workspace('invalid', {
      'out/good.xml': JUNIT(1),
      'out/truncated.xml': '<testsuite name="s"><testcase name="a">',
      'out/health.json': CODE_HEALTH,
    });
    const args = ['--url', runtime.url, '--junit', 'out/*.xml', '--code-health', 'out/*.json', '--sha', SHA];
    const refused = await assayUpload(dir, [...args, '--run-id', 'invalid-1'], {
      ASSAY_UPLOAD_TOKEN: uploadToken,
    });
    expect(refused.code).toBe(4);
    expect(refused.json.files).toEqual([
      expect.objectContaining({ file: 'out/good.xml', status: 'not_attempted' }),
      expect.objectContaining({ file: 'out/truncated.xml', status: 'invalid', error: expect.any(String) }),
      expect.objectContaining({ file: 'out/health.json', kind: 'code-health', status: 'not_attempted' }),
    ]);
    expect(refused.stderr).toMatch(/invalid junit report out\/truncated\.xml/);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/invalid-1/')).toEqual([]);

    const forced = await assayUpload(dir, [...args, '--run-id', 'invalid-2', '--force'], {
      ASSAY_UPLOAD_TOKEN: uploadToken,
    });
    expect(forced.code).toBe(0);
    expect(forced.json.uploaded).toBe(3);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/invalid-2/')).toHaveLength(3);
  });

  it('refuses a report listed under the wrong kind', async () => {
    const dir = workspace('wrong-kind', { 'code_health.json': CODE_HEALTH });
    const result = await assayUpload(
      dir,
      ['--url', runtime.url, '--junit', 'code_health.json', '--sha', SHA],
      {
        ASSAY_UPLOAD_TOKEN: uploadToken,
      },
    );
    expect(result.code).toBe(4);
    expect(result.json.files[0].error).toMatch(/it is a code-health report/);
  });

  it('a 401 (bad token) fails with exit 3 and names the fix', async () => {
    const dir = workspace('unauthorized', { 'junit.xml': JUNIT(1) });
    const result = await assayUpload(dir, ['--url', runtime.url, '--junit', 'junit.xml', '--sha', SHA], {
      ASSAY_UPLOAD_TOKEN: 'assay_upl_not-a-real-token',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Assay answered 401 invalid_token: .*create a new one/);
    expect(result.json.files[0]).toMatchObject({ status: 'failed' });
  });

  it('retries a 429 (honouring Retry-After) and then succeeds', async () => {
    proxy.inject('POST', '/ci/uploads', [{ status: 429, headers: { 'retry-after': '1' }, body: '{}' }]);
    const before = proxy.requests().length;
    const dir = workspace('rate-limited', { 'junit.xml': JUNIT(1) });
    const result = await assayUpload(
      dir,
      ['--url', proxy.url, '--junit', 'junit.xml', '--sha', SHA, '--run-id', 'retry-429'],
      {
        ASSAY_UPLOAD_TOKEN: uploadToken,
        // Waits are capped so the test does not sleep the second Retry-After asks for.
        ASSAY_UPLOAD_MAX_DELAY_MS: '20',
      },
    );
    expect(result.stderr).toMatch(/junit\.xml: HTTP 429, retrying in 0\.0 s \(attempt 2\)/);
    expect(result.code).toBe(0);
    expect(proxy.requests().slice(before)).toEqual(['POST /ci/uploads', 'POST /ci/uploads']);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/retry-429/')).toHaveLength(1);
  });

  it('retries a 503 from the object store, and counts a 412 after a lost answer as uploaded', async () => {
    // The API's answers point the PUT at a second proxy in front of the object store; it forwards
    // with the store's Host header, for which the URL was signed, so the signature holds.
    const store = await startFaultProxy(runtime.s3Endpoint, { targetHost: true });
    proxy.rewrite((body) => body.replaceAll(runtime.s3Endpoint.replace(/\/+$/, ''), store.url));
    try {
      store.inject('PUT', '*', [{ status: 503, headers: { 'retry-after': '0' } }]);
      const dir = workspace('store-flaky', { 'a.xml': JUNIT(1) });
      const args = ['--url', proxy.url, '--junit', 'a.xml', '--sha', SHA];
      const env = { ASSAY_UPLOAD_TOKEN: uploadToken, ASSAY_UPLOAD_MAX_DELAY_MS: '10' };
      const flaky = await assayUpload(dir, [...args, '--run-id', 'store-503'], env);
      expect(flaky.code).toBe(0);
      expect(flaky.stderr).toMatch(/a\.xml: HTTP 503, retrying/);
      expect(store.requests().filter((r) => r.startsWith('PUT '))).toHaveLength(2);
      expect(await listObjectKeys('orgs/acme/repos/widgets/runs/store-503/')).toHaveLength(1);

      // The first PUT is stored but its answer is lost; the retry meets the write-once condition (412).
      store.inject('PUT', '*', [{ status: 502, forward: true }]);
      const lost = await assayUpload(dir, [...args, '--run-id', 'store-lost'], env);
      expect(lost.stderr).toMatch(/a\.xml: HTTP 502, retrying/);
      expect(lost.code).toBe(0);
      expect(store.requests().filter((r) => r.startsWith('PUT '))).toHaveLength(4);
      expect(lost.json.files[0]).toMatchObject({ status: 'uploaded' });
      const [key] = await listObjectKeys('orgs/acme/repos/widgets/runs/store-lost/');
      expect(await objectText(key ?? '')).toBe(JUNIT(1));
    } finally {
      proxy.rewrite(undefined);
      await store.close();
    }
  });

  it('gives up after the attempts with exit 1 when the API keeps failing', async () => {
    proxy.inject('POST', '/ci/uploads', [{ status: 503 }, { status: 503 }]);
    const dir = workspace('unavailable', { 'junit.xml': JUNIT(1) });
    const result = await assayUpload(dir, ['--url', proxy.url, '--junit', 'junit.xml', '--sha', SHA], {
      ASSAY_UPLOAD_TOKEN: uploadToken,
      ASSAY_UPLOAD_ATTEMPTS: '2',
      ASSAY_UPLOAD_MAX_DELAY_MS: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Assay answered 503/);
  });

  it('without a credential outside GitHub Actions: exit 3; without --url: exit 2', async () => {
    const dir = workspace('no-credential', { 'junit.xml': JUNIT(1) });
    const bare = await assayUpload(dir, ['--url', runtime.url, '--junit', 'junit.xml', '--sha', SHA]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toMatch(/--token or ASSAY_UPLOAD_TOKEN/);
    const usage = await assayUpload(dir, ['--junit', 'junit.xml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--url \(or ASSAY_URL\) is required/);
    const badSha = await assayUpload(dir, ['--url', runtime.url, '--junit', 'junit.xml', '--sha', 'HEAD']);
    expect(badSha.code).toBe(2);
  });
});

describe('the GitHub Action (.github/actions/upload)', () => {
  const actionSource = join(root, '.github', 'actions', 'upload');
  // Where the runner checks out `uses: acme/assay/.github/actions/upload@v1`: no node_modules anywhere above it.
  const actionPath = join(work, '_actions', 'acme', 'assay', 'v1', '.github', 'actions', 'upload');
  interface ActionYaml {
    inputs: Record<string, { required?: boolean; default?: string }>;
    runs: { using: string; main: string };
  }
  let action: ActionYaml;

  beforeAll(() => {
    cpSync(actionSource, actionPath, { recursive: true });
    action = parseYaml(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as ActionYaml;
  });

  /** Runs the step as the runner does: `node <main>` with INPUT_* for every input, GitHub's variables, the files it appends to. */
  async function runAction(
    workspaceDir: string,
    inputs: Record<string, string>,
    env: NodeJS.ProcessEnv = {},
  ) {
    expect(action.runs.using).toBe('node24');
    const files = {
      output: join(workspaceDir, '..', `${Date.now()}-output`),
      summary: join(workspaceDir, '..', `${Date.now()}-summary`),
    };
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    const inputEnv: NodeJS.ProcessEnv = {};
    for (const [name, spec] of Object.entries(action.inputs)) {
      inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? spec.default ?? '';
    }
    const result = await runCommand(process.execPath, [join(actionPath, action.runs.main)], {
      cwd: workspaceDir,
      env: cleanEnv({
        ...inputEnv,
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_WORKSPACE: workspaceDir,
        GITHUB_REPOSITORY: 'acme/widgets',
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_RUN_ID: '31337',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        ...env,
      }),
    });
    return {
      ...result,
      output: readFileSync(files.output, 'utf8'),
      summary: readFileSync(files.summary, 'utf8'),
    };
  }

  it('uploads every matched file with the OIDC token (id-token: write), one token request for all', async () => {
    const endpoint = await startActionsTokenEndpoint(oidc, {
      repository: 'acme/widgets',
      repository_id: String(repo.githubId),
      sha: SHA,
      run_id: '777',
      run_attempt: '2',
      ref: 'refs/heads/main',
    });
    try {
      const dir = workspace('action-oidc', {
        'reports/unit/junit.xml': JUNIT(1),
        'reports/e2e/junit.xml': JUNIT(2),
        'reports/skip/junit.xml': JUNIT(3),
        'code_health.sarif.json': CODE_HEALTH,
      });
      const result = await runAction(
        dir,
        {
          url: runtime.url,
          junit: 'reports/**/*.xml\n!reports/skip/**\n',
          'code-health': 'code_health.sarif.json',
        },
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: endpoint.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: endpoint.requestToken,
        },
      );
      expect(result.stderr).toContain('uploaded junit reports/e2e/junit.xml');
      expect(result.code).toBe(0);
      expect(endpoint.audiences()).toEqual(['assay']);
      expect(result.stderr).toMatch(/^::add-mask::ey/m);
      expect(result.output).toBe('uploaded=3\nrun-id=777-2\npull-number=\n');
      expect(result.summary).toContain('| `reports/unit/junit.xml` | junit | uploaded |');
      expect(await listObjectKeys('orgs/acme/repos/widgets/runs/777-2/junit/')).toHaveLength(2);
      expect(await listObjectKeys('orgs/acme/repos/widgets/runs/777-2/code-health/')).toHaveLength(1);
      expect(await runRow('777-2')).toMatchObject({ head_sha: SHA, auth_kind: 'oidc' });
    } finally {
      await endpoint.close();
    }
  });

  it('without id-token: write the step fails (exit 3) naming the permission', async () => {
    const dir = workspace('action-no-permission', { 'junit.xml': JUNIT(1) });
    const result = await runAction(dir, { url: runtime.url, junit: 'junit.xml' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^::error::No GitHub Actions OIDC token .*permissions: id-token: write/m);
  });

  it('a 403 for a repository without the App fails the step naming the installation', async () => {
    const endpoint = await startActionsTokenEndpoint(oidc, {
      repository: 'acme/not-installed',
      sha: SHA,
      run_id: '778',
      run_attempt: '1',
    });
    try {
      const dir = workspace('action-forbidden', { 'junit.xml': JUNIT(1) });
      const result = await runAction(
        dir,
        { url: runtime.url, junit: 'junit.xml' },
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: endpoint.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: endpoint.requestToken,
        },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        /^::error::Assay answered 403 repository_not_installed: .*Install the Assay GitHub App/m,
      );
    } finally {
      await endpoint.close();
    }
  });

  it('with the token input it uses the upload token and GitHub’s variables; fail-on-missing fails an empty match', async () => {
    const dir = workspace('action-token', { 'target/surefire-reports/TEST-a.xml': JUNIT(1) });
    const uploaded = await runAction(dir, {
      url: runtime.url,
      junit: 'target/surefire-reports/*.xml',
      token: uploadToken,
    });
    expect(uploaded.code).toBe(0);
    expect(uploaded.output).toContain('run-id=31337-1\n');
    expect(await runRow('31337-1')).toEqual({
      head_sha: SHA,
      ref: 'refs/heads/main',
      auth_kind: 'upload_token',
    });

    const missing = await runAction(dir, {
      url: runtime.url,
      junit: 'build/*.xml',
      'fail-on-missing': 'true',
      token: uploadToken,
    });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/^::error::No junit report matched/m);

    const nothing = await runAction(dir, { url: runtime.url, junit: 'build/*.xml', token: uploadToken });
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/^::warning::No file matched junit "build\/\*\.xml"/m);
    expect(nothing.output).toBe('uploaded=0\nrun-id=\npull-number=\n');
  });
});
