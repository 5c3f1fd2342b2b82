/**
 * Fork-safe reports (issue 30) on the local runtime against the GitHub
 * double: a completed workflow run's `assay-*` artifacts are pulled with the
 * installation token, their reports go through the report pipeline for the
 * run's head SHA, and a fork's reports prove criteria only once trusted.
 */
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSha } from '../../../infra/local/github-double/index.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { seedApiToken } from '../../support/identity.ts';
import {
  INSTALLATION_ID,
  junit,
  pass,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

let h: ValidationHarness;
beforeAll(async () => {
  h = await startValidationHarness();
}, 120_000);
afterAll(async () => {
  await h?.dispose();
});

const WORKFLOW = '.github/workflows/test.yml';
const WORKFLOW_TEXT = 'name: Tests\non: pull_request\n';
const blobSha = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\u0000${text}`)
    .digest('hex');
const zip = (files: Record<string, string>) =>
  zipSync(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [name, new TextEncoder().encode(text)])),
  );

let nextRun = 9000;

/** Opens a pull request (from `fork` when given) and resolves to its head SHA and number. */
async function openPull(fork?: { repo: string; author: string; association: string }) {
  const pull = h.github.state.addPull('acme/widgets', {
    title: 'Email validation',
    body: `Fixes #${h.issue.number}`,
    headSha: randomSha(),
    files: [{ filename: 'src/email.ts', status: 'modified', additions: 1, deletions: 0, changes: 1 }],
    ...(fork ? { headRepository: fork.repo, user: fork.author, authorAssociation: fork.association } : {}),
  });
  await h.pullEvent('opened', pull.number, pull);
  await h.drain();
  const sha = pull.pull!.headSha;
  h.github.state.addFile('acme/widgets', sha, WORKFLOW, WORKFLOW_TEXT);
  return { sha, number: pull.number };
}

/** Delivers `workflow_run completed` for `sha` (GitHub sends no pull_requests for a fork's run). */
function completeRun(sha: string, runId: number, headRepository = 'acme/widgets') {
  return h.deliver('workflow_run', {
    action: 'completed',
    installation: { id: INSTALLATION_ID },
    repository,
    workflow_run: {
      id: runId,
      name: 'Tests',
      path: `${WORKFLOW}@refs/pull/1/merge`,
      event: 'pull_request',
      head_sha: sha,
      status: 'completed',
      conclusion: 'success',
      run_attempt: 1,
      pull_requests: [],
      head_repository: { id: 777, full_name: headRepository },
    },
  });
}

async function ciRuns(sha: string) {
  const { token } = await seedApiToken(h.runtime.db, await orgId(), 'viewer');
  const res = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/ci-runs?sha=${sha}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    uploads: {
      kind: string;
      status: string;
      source: string;
      authenticatedBy: string;
      provenance: Record<string, unknown> | null;
    }[];
  };
}

const orgId = async () =>
  (
    await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    )
  ).id;

const comment = (number: number, body: string, login: string) =>
  h.deliver('issue_comment', {
    action: 'created',
    installation: { id: INSTALLATION_ID },
    repository,
    issue: { number, title: 'Email validation', state: 'open', pull_request: { url: 'x' } },
    comment: { id: Math.floor(Math.random() * 1e9), body, user: { login, type: 'User' } },
  });

describe('reports pulled from workflow-run artifacts', () => {
  it('a fork pull request with no secrets goes green from its artifacts alone, after /assay trust', async () => {
    const fork = { repo: 'mallory/widgets', author: 'mallory', association: 'FIRST_TIME_CONTRIBUTOR' };
    const { sha, number } = await openPull(fork);
    const runId = nextRun++;
    const passing = junit(pass('T1::shows an error') + pass('T2::accepts a valid email'));
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-junit',
      headSha: sha,
      zip: zip({ 'junit.xml': passing }),
    });
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'coverage',
      headSha: sha,
      zip: zip({ 'junit.xml': passing }),
    });
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-old',
      headSha: sha,
      zip: zip({ 'junit.xml': passing }),
      expired: true,
    });

    await completeRun(sha, runId, fork.repo);
    // Passes from an untrusted fork prove nothing: the criteria stay without a passing test.
    const [waiting] = h.checkOf(sha);
    expect(waiting).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(waiting!.output.title).toBe('Fork reports wait for trust');
    expect(waiting!.output.summary).toContain('`mallory/widgets`');
    expect(waiting!.output.summary).toContain('/assay trust');

    const runs = await ciRuns(sha);
    expect(runs.uploads).toHaveLength(1);
    expect(runs.uploads[0]).toMatchObject({
      kind: 'junit',
      status: 'processed',
      source: 'pulled',
      authenticatedBy: 'github_app',
      provenance: {
        workflowRunId: runId,
        workflowPath: WORKFLOW,
        workflowSha: blobSha(WORKFLOW_TEXT),
        headRepository: 'mallory/widgets',
        fromFork: true,
        workflowChanged: false,
        trusted: false,
      },
    });
    const artifacts = await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('ci_artifacts').select(['name', 'status', 'files']).orderBy('name').execute(),
    );
    expect(artifacts.filter((a) => a.name.startsWith('assay-'))).toEqual(
      expect.arrayContaining([
        { name: 'assay-junit', status: 'pulled', files: 1 },
        { name: 'assay-old', status: 'expired', files: 0 },
      ]),
    );
    expect(artifacts.some((a) => a.name === 'coverage')).toBe(false);

    // A redelivered event pulls nothing twice.
    await completeRun(sha, runId, fork.repo);
    expect((await ciRuns(sha)).uploads).toHaveLength(1);

    // The fork's author cannot trust their own commit; a maintainer can.
    h.github.state.repository('acme/widgets').roles.set('maintainer', 'write');
    expect((await comment(number, '/assay trust', 'mallory')).outcome).toContain('without write access');
    expect(h.checkOf(sha)[0]!.conclusion).toBe('action_required');
    const trusted = await comment(number, `/assay trust ${sha.slice(0, 7)}`, 'maintainer');
    expect(trusted.outcome).toContain('trusted');
    expect(h.checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    const audit = await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('audit_events').select(['details']).where('action', '=', 'fork_sha.trusted').execute(),
    );
    expect(audit.map((a) => a.details)).toContainEqual(
      expect.objectContaining({ headSha: sha, via: 'command', login: 'maintainer' }),
    );
    expect((await ciRuns(sha)).uploads[0]!.provenance).toMatchObject({ trusted: true });
  });

  it("an untrusted fork's failures count, and the check lists them with message, stack and file:line", async () => {
    const { sha } = await openPull({ repo: 'eve/widgets', author: 'eve', association: 'NONE' });
    const runId = nextRun++;
    const failing = `<testcase classname="signup" name="T1::shows an error" file="src/signup/email.test.ts" line="12"><failure type="AssertionError">Error: expected error\n    at check (src/signup/email.test.ts:12:5)\n    at run (node:internal/x:1:1)</failure></testcase>`;
    const ctrf = JSON.stringify({
      results: {
        tool: { name: 'playwright' },
        summary: {},
        tests: [{ name: 'T2::accepts a valid email', status: 'passed', duration: 5 }],
      },
    });
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-reports',
      headSha: sha,
      zip: zip({ 'reports/junit.xml': junit(failing), 'reports/ctrf.json': ctrf, 'trace.zip': 'binary' }),
    });
    await completeRun(sha, runId, 'eve/widgets');
    const [check] = h.checkOf(sha);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check!.output.text).toContain('`signup › T1::shows an error` (T1)');
    expect(check!.output.text).toContain('`src/signup/email.test.ts:12`');
    expect(check!.output.text).toContain('at check (src/signup/email.test.ts:12:5)');
    expect(check!.annotations.map((a) => [a.path, a.start_line])).toEqual([['src/signup/email.test.ts', 12]]);
    const kinds = (await ciRuns(sha)).uploads.map((u) => u.kind).sort();
    expect(kinds).toEqual(['ctrf', 'junit']);
  });

  it('a same-repository run (a Dependabot branch) is trusted at once', async () => {
    const { sha } = await openPull();
    const runId = nextRun++;
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-junit',
      headSha: sha,
      zip: zip({ 'junit.xml': junit(pass('T1::shows an error') + pass('T2::accepts a valid email')) }),
    });
    await completeRun(sha, runId);
    expect(h.checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('with forkTrust known_contributors, a returning contributor is trusted without /assay trust', async () => {
    const { token } = await seedApiToken(h.runtime.db, await orgId(), 'admin');
    const patched = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ forkTrust: 'known_contributors' }),
    });
    expect(await patched.json()).toMatchObject({ forkTrust: 'known_contributors', failureComment: true });
    const { sha } = await openPull({ repo: 'carol/widgets', author: 'carol', association: 'CONTRIBUTOR' });
    const runId = nextRun++;
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-junit',
      headSha: sha,
      zip: zip({ 'junit.xml': junit(pass('T1::shows an error') + pass('T2::accepts a valid email')) }),
    });
    await completeRun(sha, runId, 'carol/widgets');
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'success' });
    await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ forkTrust: 'trusted_sha' }),
    });
  });

  it('the console trusts a head SHA through the API (members; a moved head is a 409)', async () => {
    const { sha, number } = await openPull({ repo: 'dave/widgets', author: 'dave', association: 'NONE' });
    const runId = nextRun++;
    h.github.state.addArtifact('acme/widgets', {
      runId,
      name: 'assay-junit',
      headSha: sha,
      zip: zip({ 'junit.xml': junit(pass('T1::shows an error') + pass('T2::accepts a valid email')) }),
    });
    await completeRun(sha, runId, 'dave/widgets');
    expect(h.checkOf(sha)[0]!.conclusion).toBe('action_required');
    const url = `${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${number}/trust`;
    const post = (token: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const viewer = (await seedApiToken(h.runtime.db, await orgId(), 'viewer')).token;
    const member = (await seedApiToken(h.runtime.db, await orgId(), 'member')).token;
    expect((await post(viewer, {})).status).toBe(403);
    expect((await post(member, { headSha: randomSha() })).status).toBe(409);
    const res = await post(member, { headSha: sha });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ headSha: sha, trusted: true, via: 'console' });
    expect((await (await post(member, {})).json()) as { trusted: boolean }).toMatchObject({ trusted: false });
    await h.drain();
    expect(h.checkOf(sha)[0]!.conclusion).toBe('success');
  });
});
