/**
 * The local runtime wired to a fake GitHub and a fake OIDC issuer, with one
 * installed repository and an issue with two criteria (T1, T2): opens pull
 * requests, uploads reports through presigned URLs and drains the queues, so
 * validation tests read like the CI loop they exercise.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type FakeOidcIssuer, startFakeOidcIssuer } from '../../infra/local/fake-oidc/index.ts';
import { FakeGitHub, type FakeIssue, randomSha } from '../../infra/local/github-double/index.ts';
import { countLocalMessages } from '../../shared/adapters/local-queue-store.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { startTestRuntime, type TestRuntime } from './test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from './webhooks.ts';

export const INSTALLATION_ID = 8181;

export const repository = {
  id: 9301,
  name: 'widgets',
  full_name: 'acme/widgets',
  default_branch: 'main',
  owner: { id: 58, login: 'acme', type: 'Organization' },
};

/** A JUnit document of one suite holding `cases`. */
export const junit = (cases: string) =>
  `<?xml version="1.0"?>\n<testsuites><testsuite name="signup">${cases}</testsuite></testsuites>\n`;
/** A passing test case. */
export const pass = (name: string) => `<testcase classname="signup" name="${name}" time="0.01"/>`;
/** A failing test case with a file and line (so it becomes an annotation). */
export const fail = (name: string, line = 12) =>
  `<testcase classname="signup" name="${name}" file="src/signup/email.test.ts" line="${line}"><failure message="expected error">boom</failure></testcase>`;

export interface UploadOptions {
  kind?: 'junit' | 'code-health';
  /** The OIDC `ref` claim (`refs/heads/main`, `refs/pull/3/merge`). */
  ref?: string;
}

export interface ValidationHarness {
  runtime: TestRuntime;
  github: FakeGitHub;
  oidc: FakeOidcIssuer;
  issue: FakeIssue;
  /** Number of the last pull request opened. */
  lastPull: number;
  drain(): Promise<void>;
  /** Posts a signed delivery, drains the queues, and resolves to its recorded status and outcome. */
  deliver(
    event: string,
    payload: Record<string, unknown>,
  ): Promise<{ status: string; outcome: string | null }>;
  /** A `pull_request` payload for pull request `number` as the double has it (or as `pull` says). */
  pullPayload(action: string, number: number, pull?: FakeIssue): Record<string, unknown>;
  /** Posts {@link pullPayload} as a signed delivery (the queues are not drained). */
  pullEvent(action: string, number: number, pull?: FakeIssue): Promise<Response>;
  /** Opens a pull request fixing the issue; resolves to its head SHA. */
  openPull(options?: { headRef?: string; baseRef?: string; baseSha?: string }): Promise<string>;
  /** Uploads `body` for `sha` as run `runId` via OIDC and a presigned PUT; resolves to the object key. */
  upload(sha: string, runId: string, body: string | Uint8Array, options?: UploadOptions): Promise<string>;
  /** Waits for the object-created event of an upload. */
  waitForReportEvent(): Promise<void>;
  /** The `Assay` check runs on `sha`, newest first (the one GitHub shows is `[0]`). */
  checkOf(sha: string): ReturnType<FakeGitHub['state']['checkRunsOf']>;
  dispose(): Promise<void>;
}

/** Starts the harness (env, fake GitHub, fake OIDC issuer, runtime) and files the issue. */
export async function startValidationHarness(): Promise<ValidationHarness> {
  const github = await new FakeGitHub().start();
  github.state.addInstallation({ id: INSTALLATION_ID, account: 'acme', repositories: ['widgets'] });
  const oidc = await startFakeOidcIssuer();
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  process.env.ASSAY_GITHUB_OIDC_ISSUER = oidc.issuer;
  process.env.ASSAY_GITHUB_OIDC_JWKS_URL = oidc.jwksUrl;
  const runtime = await startTestRuntime({ autoStart: false });

  const drain = async () => {
    for (;;) {
      let moved = 0;
      for (const queue of [
        'intake',
        'checklist',
        'manifest',
        'reports',
        'artifacts',
        'validation',
      ] as const) {
        moved += await runtime.queues.pollOnce(queue);
      }
      if (moved === 0) return;
    }
  };
  const waitForReportEvent = async () => {
    const deadline = Date.now() + 10_000;
    while ((await countLocalMessages(runtime.db, 'reports')).visible === 0) {
      if (Date.now() > deadline) throw new Error('no object-created event');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const issue = github.state.addIssue('acme/widgets', {
    title: 'Validate emails',
    body: '## Acceptance criteria\n- User sees an error when the email is invalid\n- Valid emails are accepted\n',
  });
  await postWebhook(runtime.url, 'issues', {
    action: 'opened',
    installation: { id: INSTALLATION_ID },
    repository,
    issue: { number: issue.number, title: issue.title, state: 'open' },
  });
  await drain();

  const harness: ValidationHarness = {
    runtime,
    github,
    oidc,
    issue,
    lastPull: 0,
    drain,
    waitForReportEvent,
    async deliver(event, payload) {
      const deliveryId = randomUUID();
      await postWebhook(runtime.url, event, payload, { deliveryId });
      await drain();
      return withSystem(runtime.db, (trx) =>
        trx
          .selectFrom('webhook_deliveries')
          .select(['status', 'outcome'])
          .where('delivery_id', '=', deliveryId)
          .executeTakeFirstOrThrow(),
      );
    },
    pullEvent: (action, number, pull) =>
      postWebhook(runtime.url, 'pull_request', harness.pullPayload(action, number, pull)),
    pullPayload(action, number, pull = github.state.repository('acme/widgets').items.get(number)) {
      if (!pull?.pull) throw new Error(`no pull request #${number}`);
      return {
        action,
        installation: { id: INSTALLATION_ID },
        repository,
        pull_request: {
          number,
          title: pull.title,
          state: 'open',
          head: { sha: pull.pull.headSha, ref: pull.pull.headRef },
          base: { ref: pull.pull.baseRef },
        },
      };
    },
    async openPull(options = {}) {
      const pull = github.state.addPull('acme/widgets', {
        title: 'Email validation',
        body: `Fixes #${issue.number}`,
        headSha: randomSha(),
        files: 1,
        ...options,
      });
      await harness.pullEvent('opened', pull.number, pull);
      await drain();
      harness.lastPull = pull.number;
      return pull.pull!.headSha;
    },
    async upload(sha, runId, body, options = {}) {
      const jwt = await oidc.sign({
        repository: 'acme/widgets',
        sha,
        run_id: runId,
        run_attempt: '1',
        ...(options.ref ? { ref: options.ref } : {}),
      });
      const res = await fetch(`${runtime.url}/ci/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
        body: JSON.stringify({ kind: options.kind ?? 'junit' }),
      });
      if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
      const presigned = (await res.json()) as { url: string; headers: Record<string, string>; key: string };
      const put = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body });
      expect(put.status).toBe(200);
      await waitForReportEvent();
      await drain();
      return presigned.key;
    },
    checkOf: (sha) =>
      github.state
        .checkRunsOf('acme/widgets')
        .filter((c) => c.headSha === sha)
        .reverse(),
    async dispose() {
      await runtime.dispose();
      await github.stop();
      await oidc.close();
    },
  };
  return harness;
}
