/**
 * `npm run demo`: the whole Assay loop on one machine, with no network and no
 * setup. It starts the local runtime in a temporary data directory beside a
 * GitHub double and a GitHub-Actions-like OIDC issuer, installs the App on
 * `acme/shop`, opens an issue with acceptance criteria, opens a pull request
 * that fixes it, uploads a JUnit report through a presigned URL, and prints
 * the checklist comment, the manifest comment and the final `Assay` check run.
 *
 * Exits 0 when every step showed its effect, 1 (with the step that timed out)
 * otherwise; everything it started is stopped and the data directory removed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOidcIssuer, startFakeOidcIssuer } from '../infra/local/fake-oidc/index.ts';
import { type FakeCheckRun, type FakeComment, FakeGitHub } from '../infra/local/github-double/index.ts';
import type { LocalRuntime } from '../infra/local/runtime.ts';
import { postWebhook } from '../infra/local/webhook-delivery.ts';
import { withSystem } from '../shared/db/tenant.ts';
import { waitFor } from './demo/wait.ts';

/** The whole demo must finish (or fail) within this time. */
const WATCHDOG_MS = process.argv.includes('--agents') ? 300_000 : 120_000;
/** How long each step may take to show its effect. */
const STEP_TIMEOUT_MS = 20_000;

const OWNER = 'acme';
const REPO = 'shop';
const FULL_NAME = `${OWNER}/${REPO}`;
const INSTALLATION_ID = 4201;
const ORG_ID = 7301;
/** Fixed so the printed output is the same on every run. */
const HEAD_SHA = 'c0ffee15c0ffee15c0ffee15c0ffee15c0ffee15';
const RUN_ID = '4242';

const ISSUE_BODY = [
  'Shoppers can apply a coupon code at checkout.',
  '',
  '## Acceptance criteria',
  '- Shoppers see an error when the coupon code is unknown',
  '- A valid coupon takes its discount off the cart total',
  '- An expired coupon is refused with its expiry date',
  '',
].join('\n');

const COUPON_PATCH = [
  '@@ -0,0 +1,9 @@',
  '+export interface Coupon { code: string; percent: number; expiresAt: Date }',
  '+export function applyCoupon(total: number, coupon: Coupon | undefined, now = new Date()): number {',
  "+  if (!coupon) throw new Error('Unknown coupon code');",
  '+  if (coupon.expiresAt < now) {',
  "+    throw new Error('Coupon expired on ' + coupon.expiresAt.toISOString().slice(0, 10));",
  '+  }',
  '+  return Math.round(total * (100 - coupon.percent)) / 100;',
  '+}',
].join('\n');

const TEST_PATCH = [
  '@@ -0,0 +1,11 @@',
  "+import { applyCoupon } from './coupon.ts';",
  "+it('T1::shows an error for an unknown coupon code', () => {",
  "+  expect(() => applyCoupon(100, undefined)).toThrow('Unknown coupon code');",
  '+});',
  "+it('T2::takes the discount off the total', () => {",
  "+  expect(applyCoupon(100, { code: 'TEN', percent: 10, expiresAt: new Date('2999-01-01') })).toBe(90);",
  '+});',
  "+it('T3::refuses an expired coupon with its date', () => {",
  "+  const old = { code: 'OLD', percent: 10, expiresAt: new Date('2020-01-31') };",
  "+  expect(() => applyCoupon(100, old)).toThrow('Coupon expired on 2020-01-31');",
  '+});',
].join('\n');

const JUNIT_REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0">
  <testsuite name="src/cart/coupon.test.ts" tests="3" failures="1" errors="0" skipped="0">
    <testcase classname="src/cart/coupon.test.ts" name="T1::shows an error for an unknown coupon code" time="0.002"/>
    <testcase classname="src/cart/coupon.test.ts" name="T2::takes the discount off the total" time="0.001"/>
    <testcase classname="src/cart/coupon.test.ts" name="T3::refuses an expired coupon with its date" time="0.003" file="src/cart/coupon.test.ts" line="10">
      <failure message="expected 'Coupon expired on 2020-01-30' to be 'Coupon expired on 2020-01-31'" type="AssertionError">AssertionError: expected 'Coupon expired on 2020-01-30' to be 'Coupon expired on 2020-01-31'
    at src/cart/coupon.test.ts:10:38</failure>
    </testcase>
  </testsuite>
</testsuites>
`;

/** What `POST /ci/uploads` answers. */
interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
  runId: string;
}

/** Everything the demo started, so that it can all be stopped. */
/** `npm run demo -- --agents`: the agent pipeline instead of the pull-request loop (scripts/demo/agents.ts). */
const AGENTS = process.argv.includes('--agents');

interface Started {
  root: string;
  /** The shop the agents demo crawls and tests. */
  shop?: { stop(): Promise<void> };
  github?: FakeGitHub;
  oidc?: FakeOidcIssuer;
  runtime?: LocalRuntime;
}

/** Prints a step line. */
function step(message: string): void {
  console.log(`==> ${message}`);
}

/** Prints a block of text under a clear heading. */
function section(title: string, body: string): void {
  const rule = '─'.repeat(72);
  console.log(`\n${rule}\n${title}\n${rule}\n${body.trimEnd()}\n`);
}

/** Posts a signed webhook and fails unless Assay accepted it. */
async function deliver(url: string, secret: string, event: string, payload: unknown): Promise<void> {
  const res = await postWebhook(url, event, payload, { secret });
  if (res.status >= 300) throw new Error(`webhook ${event} refused: ${res.status} ${await res.text()}`);
}

/** The first comment Assay wrote on issue or pull request `number` that satisfies `ready`. */
function appComment(
  github: FakeGitHub,
  number: number,
  ready: (body: string) => boolean,
): FakeComment | undefined {
  return github.state.commentsOn(FULL_NAME, number).find((c) => c.viaApp && ready(c.body));
}

/** The `Assay` check runs on `sha`, oldest first. */
function assayChecks(github: FakeGitHub, sha: string): FakeCheckRun[] {
  return github.state.checkRunsOf(FULL_NAME).filter((c) => c.name === 'Assay' && c.headSha === sha);
}

/** The `Assay` check run GitHub shows on `sha` (the newest of the name) once it satisfies `ready`. */
function assayCheck(
  github: FakeGitHub,
  sha: string,
  ready: (check: FakeCheckRun) => boolean,
): FakeCheckRun | undefined {
  const newest = assayChecks(github, sha).at(-1);
  return newest && ready(newest) ? newest : undefined;
}

/** Formats a check run as the demo prints it. */
function describeCheck(check: FakeCheckRun): string {
  const annotations = check.annotations.map(
    (a) =>
      `  - ${a.path}:${a.start_line} [${a.annotation_level}] ${a.title ?? ''}${a.title ? ': ' : ''}${a.message}`,
  );
  return [
    `name: ${check.name}`,
    `head_sha: ${check.headSha}`,
    `status: ${check.status}`,
    `conclusion: ${check.conclusion ?? '(none)'}`,
    `title: ${check.output.title ?? ''}`,
    `annotations: ${check.annotations.length}`,
    ...annotations,
    'summary:',
    check.output.summary ?? '',
  ].join('\n');
}

/** Runs the demo against `started`, filling it in as things start. */
async function run(started: Started): Promise<void> {
  step('Starting the GitHub double and the OIDC issuer');
  const github = await new FakeGitHub().start();
  started.github = github;
  const oidc = await startFakeOidcIssuer();
  started.oidc = oidc;

  const secret = randomBytes(24).toString('hex');
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = secret;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  process.env.ASSAY_GITHUB_OIDC_ISSUER = oidc.issuer;
  process.env.ASSAY_GITHUB_OIDC_JWKS_URL = oidc.jwksUrl;
  process.env.ASSAY_LOG_LEVEL ??= 'ERROR';
  process.env.PORT = '0';
  process.env.ASSAY_S3_PORT = '0';
  delete process.env.DATABASE_URL;

  step('Starting the local runtime (embedded Postgres, local S3, queues, HTTP)');
  // Imported only now: configuration is read from the environment set above.
  const { startLocalRuntime } = await import('../infra/local/runtime.ts');
  const runtime = await startLocalRuntime({
    dataDir: join(started.root, 'data'),
    port: 0,
    s3Port: 0,
    pollIntervalMs: 50,
    autoStart: true,
    log: (message) => console.error(message),
  });
  started.runtime = runtime;

  step(`Installing the App on ${FULL_NAME}`);
  github.state.addInstallation({ id: INSTALLATION_ID, account: OWNER, repositories: [REPO] });
  const fakeRepo = github.state.repository(FULL_NAME);
  const account = { id: ORG_ID, login: OWNER, type: 'Organization' };
  await deliver(runtime.url, secret, 'installation', {
    action: 'created',
    installation: {
      id: INSTALLATION_ID,
      account,
      target_type: 'Organization',
      repository_selection: 'selected',
      permissions: {
        issues: 'write',
        pull_requests: 'write',
        checks: 'write',
        contents: 'read',
        actions: 'read',
      },
      events: ['issues', 'issue_comment', 'pull_request', 'check_suite', 'check_run', 'workflow_run'],
    },
    repositories: [{ id: fakeRepo.id, name: REPO, full_name: FULL_NAME, private: true }],
    sender: { login: 'octocat', type: 'User' },
  });
  await waitFor(
    'the installation and its repository to be recorded',
    async () =>
      // By name, before the demo knows the organisation's id: the system role.
      (await withSystem(runtime.db, (trx) =>
        trx
          .selectFrom('repositories')
          .select('id')
          .where('full_name', '=', FULL_NAME)
          .where('removed_at', 'is', null)
          .executeTakeFirst(),
      )) ?? undefined,
    STEP_TIMEOUT_MS,
  );
  const repository = {
    id: fakeRepo.id,
    name: REPO,
    full_name: FULL_NAME,
    private: true,
    default_branch: 'main',
    owner: account,
  };

  if (AGENTS) {
    const { runAgentsDemo, startDemoShop } = await import('./demo/agents.ts');
    const shop = await startDemoShop();
    started.shop = shop;
    await runAgentsDemo({
      runtime,
      github,
      secret,
      shopOrigin: shop.origin,
      installationId: INSTALLATION_ID,
      account,
      repository,
      step,
      section,
    });
    return;
  }

  step('Opening issue #1 with three acceptance criteria');
  const issue = github.state.addIssue(FULL_NAME, { title: 'Coupon codes at checkout', body: ISSUE_BODY });
  await deliver(runtime.url, secret, 'issues', {
    action: 'opened',
    installation: { id: INSTALLATION_ID },
    repository,
    issue: { number: issue.number, title: issue.title, state: 'open', user: { login: 'octocat' } },
  });
  const checklist = await waitFor(
    'the checklist comment on the issue',
    () => appComment(github, issue.number, (body) => body.includes('**T3**')),
    STEP_TIMEOUT_MS,
  );

  step(`Opening a pull request that fixes #${issue.number}`);
  const pull = github.state.addPull(FULL_NAME, {
    title: 'Coupon codes at checkout',
    body: `Fixes #${issue.number}`,
    headRef: `feature/${issue.number}-coupons`,
    headSha: HEAD_SHA,
    user: 'octocat',
    files: [
      {
        filename: 'src/cart/coupon.ts',
        status: 'added',
        additions: 8,
        deletions: 0,
        changes: 8,
        patch: COUPON_PATCH,
      },
      {
        filename: 'src/cart/coupon.test.ts',
        status: 'added',
        additions: 11,
        deletions: 0,
        changes: 11,
        patch: TEST_PATCH,
      },
    ],
  });
  await deliver(runtime.url, secret, 'pull_request', {
    action: 'opened',
    installation: { id: INSTALLATION_ID },
    repository,
    pull_request: {
      number: pull.number,
      title: pull.title,
      state: 'open',
      body: pull.body,
      user: { login: 'octocat' },
      head: { sha: HEAD_SHA, ref: `feature/${issue.number}-coupons` },
      base: { ref: 'main' },
    },
  });
  const manifest = await waitFor(
    'the manifest comment on the pull request',
    () => appComment(github, pull.number, (body) => body.includes('**T1**')),
    STEP_TIMEOUT_MS,
  );
  const pending = await waitFor(
    'the in-progress Assay check run',
    () => assayCheck(github, HEAD_SHA, (c) => c.status === 'in_progress'),
    STEP_TIMEOUT_MS,
  );
  step(`Check run "${pending.name}" is ${pending.status}: ${pending.output.title ?? ''}`);

  step('CI: asking for a presigned upload URL with the Actions OIDC token');
  const token = await oidc.sign({ repository: FULL_NAME, sha: HEAD_SHA, run_id: RUN_ID, run_attempt: '1' });
  const res = await fetch(`${runtime.url}/ci/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind: 'junit' }),
  });
  if (res.status !== 201) throw new Error(`POST /ci/uploads refused: ${res.status} ${await res.text()}`);
  const upload = (await res.json()) as PresignedUpload;
  step(`CI: PUT junit.xml (T1, T2 passed; T3 failed) to ${new URL(upload.url).pathname}`);
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: JUNIT_REPORT });
  if (!put.ok) throw new Error(`PUT to the presigned URL failed: ${put.status} ${await put.text()}`);

  const final = await waitFor(
    'the Assay check run to complete',
    () => assayCheck(github, HEAD_SHA, (c) => c.status === 'completed'),
    STEP_TIMEOUT_MS,
  );

  const runs = assayChecks(github, HEAD_SHA).length;
  step(
    `Check run "${final.name}" concluded ${final.conclusion} in place (${runs} check run on ${HEAD_SHA.slice(0, 7)}): ` +
      'one open check run per commit is updated until it completes; a completed one is final, ' +
      'so a later result for the commit would be a new check run, and GitHub shows the newest',
  );

  section(`Checklist comment on issue #${issue.number}`, checklist.body);
  section(`Manifest comment on pull request #${pull.number}`, manifest.body);
  section('Final check run', describeCheck(final));
}

/** Stops whatever was started, in reverse order, and removes the data directory. */
async function stopAll(started: Started): Promise<void> {
  await started.runtime?.stop();
  await started.shop?.stop();
  await started.github?.stop();
  await started.oidc?.close();
  rmSync(started.root, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  console.error(`Demo failed: did not finish within ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const started: Started = { root: mkdtempSync(join(tmpdir(), 'assay-demo-')) };
let code = 0;
try {
  await run(started);
} catch (error) {
  console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  try {
    await stopAll(started);
    step('Stopped the runtime and the doubles; removed the temporary data directory');
  } catch (error) {
    console.error(`Cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  }
}
process.exit(code);
