/**
 * `npm run demo -- --agents`: the agent pipeline offline on one machine. A
 * small shop with a sign-in form is served on 127.0.0.1; the App is installed
 * on `acme/shop`, an issue with acceptance criteria gets its checklist (TIDs);
 * the shop is crawled in headless Chromium; an agent run (offline LLM) goes
 * analyst → approval → QA → approval → automation → verify on the local state
 * machine, both approvals given as `assay agents run` would; the generated
 * Playwright tests and the verify outcome (type-check, locators, a real run
 * against the shop) are printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGitHub } from '../../infra/local/github-double/index.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import { postWebhook } from '../../infra/local/webhook-delivery.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { cliActor, followAgentRun, summarizeArtifacts } from '../cli/agent-run-follow.ts';
import { waitFor } from './wait.ts';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signIn(error: string | null, email: string): string {
  return page(
    'Sign in',
    `<h1>Sign in to your account</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/signin" id="signin-form">
  <label for="signin-email">Email address</label><input id="signin-email" name="email" type="email" required value="${escapeHtml(email)}">
  <label for="signin-password">Password</label><input id="signin-password" name="password" type="password" required minlength="8">
  <button type="submit">Sign in</button>
</form><a href="/">Back to the shop</a>`,
  );
}

/** The shop under test: a home page and a sign-in form validated on the server too. */
export async function startDemoShop(): Promise<{ origin: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, html: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      };
      if (url.pathname === '/')
        return send(200, page('Shop', '<h1>Welcome to the shop</h1><a href="/signin">Sign in</a>'));
      if (url.pathname === '/signin' && req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const email = form.get('email') ?? '';
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
          return send(422, signIn('Enter a valid email address', email));
        if ((form.get('password') ?? '').length < 8)
          return send(422, signIn('The password has at least 8 characters', email));
        return send(200, page('Your account', '<h1>Your account</h1>'));
      }
      if (url.pathname === '/signin') return send(200, signIn(null, ''));
      return send(404, page('Not found', '<h1>Not found</h1>'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs the agents demo on a started runtime and GitHub double (the App
 * installed on `fullName`, webhooks signed with `secret`); `print` writes a step line.
 */
export async function runAgentsDemo(ctx: {
  runtime: LocalRuntime;
  github: FakeGitHub;
  secret: string;
  shopOrigin: string;
  installationId: number;
  account: { id: number; login: string; type: string };
  repository: Record<string, unknown> & { full_name: string };
  step: (text: string) => void;
  section: (title: string, body: string) => void;
}): Promise<void> {
  const { runtime, github, step } = ctx;
  const issue = github.state.addIssue(ctx.repository.full_name, {
    title: 'Sign in with email and password',
    body: [
      'Customers sign in before they see their orders.',
      '',
      '## Acceptance criteria',
      '- A customer can enter their email address and password to sign in',
      '- Signing in with an invalid email address is rejected with an error',
      '',
    ].join('\n'),
  });
  step(`Opening issue #${issue.number} "${issue.title}"`);
  await postWebhook(
    runtime.url,
    'issues',
    {
      action: 'opened',
      installation: { id: ctx.installationId },
      repository: ctx.repository,
      issue: { number: issue.number, title: issue.title, state: 'open', user: { login: 'mona' } },
    },
    { secret: ctx.secret },
  );
  const org = await waitFor(
    'the checklist (TIDs) of the issue',
    async () => {
      const row = await withSystem(runtime.db, (trx) =>
        trx
          .selectFrom('checklist_items as i')
          .innerJoin('orgs as o', 'o.id', 'i.org_id')
          .select(['o.id', (eb) => eb.fn.countAll<string>().as('n')])
          .where('o.login', '=', ctx.account.login)
          .groupBy('o.id')
          .executeTakeFirst(),
      );
      return row && Number(row.n) >= 2 ? row.id : undefined;
    },
    20_000,
  );

  step(`Crawling the shop at ${ctx.shopOrigin} in headless Chromium`);
  const { createLocalPublisher } = await import('../../shared/adapters/queue-publisher.ts');
  const { getCrawl, requestCrawl } = await import('../../shared/crawl/crawl.service.ts');
  const { crawl } = await requestCrawl(
    { db: runtime.db, publisher: createLocalPublisher(), loginSecret: async () => 'unused' },
    org,
    cliActor,
    {
      startUrl: `${ctx.shopOrigin}/`,
      maxPages: 5,
      maxDepth: 1,
      scope: 'same-origin',
      exclude: [],
      respectRobotsTxt: true,
      loginSteps: [],
    },
  );
  const crawled = await waitFor(
    'the crawl',
    async () => {
      const view = await getCrawl(runtime.db, org, crawl.id);
      return ['succeeded', 'failed', 'cancelled'].includes(view.status) ? view : undefined;
    },
    90_000,
    200,
  );
  step(`Crawl ${crawled.status}: ${crawled.pagesCrawled} pages`);

  const { createLocalWorkflowStarter } = await import('../../shared/adapters/workflow-starter.ts');
  const { requestAgentRun } = await import('../../shared/agents/agent-runs.service.ts');
  const { getConfig } = await import('../../shared/config.ts');
  const { listArtifacts } = await import('../../shared/agents/agent-run-artifacts.service.ts');
  const workflow = createLocalWorkflowStarter(async () => runtime.db);
  const { run } = await requestAgentRun({ db: runtime.db, workflow, config: getConfig() }, org, cliActor, {
    repository: ctx.repository.full_name,
    issues: [issue.number],
    crawlId: crawl.id,
    approvals: 'each-stage',
  });
  step(`Agent run ${run.id} started (offline LLM); following its events`);
  const finished = await followAgentRun({ db: runtime.db, workflow }, org, run.id, {
    print: (line) => console.log(`    ${line}`),
    prompt: async (stage, artifacts) => {
      ctx.section(
        `${stage === 'analyst' ? 'Requirements' : 'Test cases'} awaiting approval (approved)`,
        summarizeArtifacts(artifacts),
      );
      return { decision: 'approve', comment: 'Approved in the demo' };
    },
    pollMs: 100,
  });
  const { artifacts } = await listArtifacts(runtime.db, org, run.id, ['playwright-test']);
  for (const file of artifacts) {
    const content = file.content as { path: string; content: string };
    ctx.section(`Generated ${content.path}`, content.content);
  }
  ctx.section(
    'Verify',
    JSON.stringify(finished.verify, null, 2) +
      `\nrun ${finished.status}, ${finished.tokens.total} tokens (${finished.model})`,
  );
  if (finished.status !== 'succeeded')
    throw new Error(`The agent run ended ${finished.status}: ${finished.error?.message ?? ''}`);
  if (finished.verify?.typecheck !== 'ok' || finished.verify.failed > 0)
    throw new Error('The generated tests did not pass verify');
}
