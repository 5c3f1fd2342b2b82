/**
 * `assay dev …`: plays GitHub for a local runtime started without a GitHub App
 * (`npm start` with `ASSAY_GITHUB_APP_ID` unset runs the GitHub double). Each
 * write changes the double (as a person on github.com would), then delivers
 * the webhook GitHub would send, signed with the runtime's webhook secret, to
 * the runtime's `/webhooks/github`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { z } from 'zod';
import { readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { readDevSecrets } from '../../infra/local/dev-secrets.ts';
import { webhookRequest } from '../../infra/local/webhook-delivery.ts';
import { withSystem } from '../../shared/db/tenant.ts';
import { parseArgs } from './args.ts';
import { openCliDatabase } from './database.ts';
import { printJson } from './output.ts';
import { devUsage } from './usage.ts';

/** How long `dev issue` / `dev pull` wait for Assay's comment, and `dev install` for the organisation. */
const WAIT_MS = Number(process.env.ASSAY_DEV_WAIT_MS ?? 60_000);
const POLL_MS = 200;

/** Where the running runtime and its GitHub double are, and how to sign for it. */
interface Target {
  dataDir: string;
  url: string;
  doubleUrl: string;
  secret: string;
}

/** A webhook the double says GitHub would send. */
const deliverySchema = z.object({ event: z.string(), payload: z.record(z.string(), z.unknown()) });

const commentSchema = z.object({
  id: z.number(),
  user: z.string(),
  viaApp: z.boolean(),
  body: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
type DoubleComment = z.infer<typeof commentSchema>;

class DevError extends Error {}

/** The running runtime and its double; every way this can be wrong names the fix. */
function findTarget(url: string | undefined): Target {
  if (process.env.ASSAY_GITHUB_APP_ID) {
    throw new DevError(
      'A GitHub App is configured (ASSAY_GITHUB_APP_ID is set): `assay dev` plays GitHub only for a local ' +
        'runtime without one. Unset ASSAY_GITHUB_APP_ID, restart `npm start`, and run this again.',
    );
  }
  const dataDir = process.env.ASSAY_DATA_DIR || '.assay';
  const running = readRunningRuntime(dataDir);
  if (!running?.url) {
    throw new DevError(
      `No Assay is running on the data directory ${dataDir}: start it with \`npm start\` ` +
        '(or set ASSAY_DATA_DIR to the directory the running one uses).',
    );
  }
  if (!running.githubDoubleUrl) {
    throw new DevError(
      'The running Assay talks to a real GitHub App (it was started with ASSAY_GITHUB_APP_ID): `assay dev` ' +
        'only drives the local GitHub double. Restart `npm start` without ASSAY_GITHUB_APP_ID to use it.',
    );
  }
  const secret = process.env.ASSAY_GITHUB_WEBHOOK_SECRET || readDevSecrets(dataDir)?.webhookSecret;
  if (!secret) {
    throw new DevError(
      `No webhook secret: set ASSAY_GITHUB_WEBHOOK_SECRET as for \`npm start\`, or keep ${dataDir}/dev-secrets.json.`,
    );
  }
  return {
    dataDir,
    url: (url ?? running.url).replace(/\/+$/, ''),
    doubleUrl: running.githubDoubleUrl,
    secret,
  };
}

/** Calls the double's control API. */
async function callDouble(
  target: Target,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await reach(target.doubleUrl, 'the GitHub double', `${target.doubleUrl}/_double${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new DevError(`GitHub double: ${json.message ?? `HTTP ${res.status}`}`);
  return json;
}

/** `fetch`, with an unreachable server turned into a message naming it. */
async function reach(base: string, what: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new DevError(`Cannot reach ${what} at ${base}: is \`npm start\` still running?`);
  }
}

/** Delivers a webhook to the runtime as GitHub does; resolves to its delivery id. */
async function deliver(target: Target, answer: unknown): Promise<string> {
  const { event, payload } = deliverySchema.parse(answer);
  const request = webhookRequest(event, payload, {
    secret: target.secret,
    userAgent: 'GitHub-Hookshot/assay-dev',
  });
  const res = await reach(target.url, 'Assay', `${target.url}/webhooks/github`, request.init);
  if (res.status >= 300) {
    const text = await res.text();
    const hint =
      res.status === 401
        ? ' (the webhook secret differs from the runtime’s: set ASSAY_GITHUB_WEBHOOK_SECRET as it has it)'
        : '';
    throw new DevError(
      `${target.url}/webhooks/github refused the ${event} webhook: ${res.status} ${text}${hint}`,
    );
  }
  return request.deliveryId;
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new DevError(
        `Gave up after ${WAIT_MS / 1000} s waiting for ${what}; the runtime's log says why.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function comments(target: Target, repo: string, number: number): Promise<DoubleComment[]> {
  return z
    .array(commentSchema)
    .parse(await callDouble(target, 'GET', `/repos/${repo}/issues/${number}/comments`));
}

/** Waits for the first comment Assay (the App) writes on `number`. */
function appComment(target: Target, repo: string, number: number, what: string): Promise<DoubleComment> {
  return poll(what, async () => (await comments(target, repo, number)).find((c) => c.viaApp));
}

function readBody(values: { body?: string; 'body-file'?: string }): string {
  if (values.body !== undefined && values['body-file'] !== undefined) {
    throw new DevError('Give --body or --body-file, not both');
  }
  if (values['body-file'] === undefined) return values.body ?? '';
  try {
    return readFileSync(values['body-file'], 'utf8');
  } catch (error) {
    throw new DevError(`Cannot read --body-file ${values['body-file']}: ${(error as Error).message}`);
  }
}

function requireRepo(repo: string | undefined): string {
  if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo))
    throw new DevError(`--repo <owner/name> is required\n${devUsage}`);
  return repo;
}

function print(json: boolean, value: unknown, text: string): void {
  if (json) printJson(value);
  else process.stdout.write(`${text.trimEnd()}\n`);
}

const common = {
  url: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function install(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...common,
      org: { type: 'string' },
      repo: { type: 'string', multiple: true },
      sender: { type: 'string' },
    },
    strict: true,
  });
  if (!values.org) throw new DevError(`--org <login> is required\n${devUsage}`);
  const target = findTarget(values.url);
  const answer = await callDouble(target, 'POST', '/installations', {
    account: values.org,
    repositories: values.repo ?? [],
    ...(values.sender ? { sender: values.sender } : {}),
  });
  const installation = z.object({ id: z.number() }).parse((answer as { installation: unknown }).installation);
  const delivery = await deliver(target, answer);
  // What Assay recorded, read back from its database once the intake has processed the delivery.
  const database = await openCliDatabase(target.dataDir);
  try {
    const wanted = (values.repo ?? []).map((r) => `${values.org}/${r}`.toLowerCase());
    const recorded = await poll(`Assay to record the installation on ${values.org}`, () =>
      withSystem(database.db, async (trx) => {
        const org = await trx
          .selectFrom('orgs')
          .select(['id', 'login'])
          .where(sql<string>`lower(login)`, '=', values.org?.toLowerCase() ?? '')
          .executeTakeFirst();
        if (!org) return undefined;
        const repositories = await trx
          .selectFrom('repositories')
          .select('full_name')
          .where('org_id', '=', org.id)
          .where('removed_at', 'is', null)
          .orderBy('full_name')
          .execute();
        const names = repositories.map((r) => r.full_name);
        const lower = names.map((n) => n.toLowerCase());
        return wanted.every((w) => lower.includes(w)) ? { org: org.login, repositories: names } : undefined;
      }),
    );
    const result = { ...recorded, installationId: installation.id, delivery };
    print(
      values.json ?? false,
      result,
      [
        `Installed the App on ${recorded.org} (installation ${installation.id}, delivery ${delivery}).`,
        `Assay now has the organisation ${recorded.org} with ${recorded.repositories.length} repositor${recorded.repositories.length === 1 ? 'y' : 'ies'}${recorded.repositories.length ? `: ${recorded.repositories.join(', ')}` : ''}.`,
        `${values.sender ?? 'octocat'} installed it, so signs in to the console as its owner (Sign in with GitHub at ${target.url}).`,
        `Next: npx assay token create --org ${recorded.org} --role admin`,
      ].join('\n'),
    );
    return 0;
  } finally {
    await database.close();
  }
}

/** Options shared by `dev issue` and `dev pull`. */
const itemOptions = {
  ...common,
  repo: { type: 'string' },
  title: { type: 'string' },
  body: { type: 'string' },
  'body-file': { type: 'string' },
  user: { type: 'string' },
} as const;

/**
 * Opens an issue or pull request on the double, delivers its webhook, waits
 * for Assay's comment on it and prints it.
 */
async function openItem(
  values: { repo?: string; body?: string; 'body-file'?: string; url?: string; json?: boolean; user?: string },
  kind: { path: 'issues' | 'pulls'; noun: string; comment: string },
  fields: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const repo = requireRepo(values.repo);
  const body = readBody(values);
  const target = findTarget(values.url);
  const answer = await callDouble(target, 'POST', `/repos/${repo}/${kind.path}`, {
    ...fields,
    body,
    ...(values.user ? { user: values.user } : {}),
  });
  const opened = z
    .object({
      issue: z.object({ number: z.number() }).optional(),
      pull: z.object({ number: z.number() }).optional(),
    })
    .parse(answer);
  const number = (opened.issue ?? opened.pull)?.number;
  if (number === undefined) throw new DevError('GitHub double: no issue or pull request in its answer');
  const delivery = await deliver(target, answer);
  const comment = await appComment(
    target,
    repo,
    number,
    `Assay's ${kind.comment} comment on ${repo}#${number}`,
  );
  print(
    values.json ?? false,
    { repository: repo, number, ...extra, delivery, comment },
    `Opened ${kind.noun} #${number} in ${repo} (delivery ${delivery}).\nAssay's ${kind.comment} comment:\n\n${comment.body}`,
  );
  return 0;
}

async function issue(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: itemOptions, strict: true });
  if (!values.title) throw new DevError(`--title is required\n${devUsage}`);
  return openItem(values, { path: 'issues', noun: 'issue', comment: 'checklist' }, { title: values.title });
}

async function pull(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...itemOptions,
      'head-sha': { type: 'string' },
      'head-ref': { type: 'string' },
      base: { type: 'string' },
    },
    strict: true,
  });
  const headSha = values['head-sha'];
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) {
    throw new DevError(`--head-sha <40 hex digits> is required\n${devUsage}`);
  }
  return openItem(
    values,
    { path: 'pulls', noun: 'pull request', comment: 'manifest' },
    {
      title: values.title ?? `Pull request for ${headSha.slice(0, 7)}`,
      headSha,
      headRef: values['head-ref'] ?? 'assay-dev-branch',
      ...(values.base ? { baseRef: values.base } : {}),
    },
    { headSha },
  );
}

async function listComments(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...common, repo: { type: 'string' }, number: { type: 'string' } },
    strict: true,
  });
  const repo = requireRepo(values.repo);
  const number = Number(values.number);
  if (!Number.isSafeInteger(number) || number < 1)
    throw new DevError(`--number <n> is required\n${devUsage}`);
  const target = findTarget(values.url);
  const list = await comments(target, repo, number);
  const text =
    list.length === 0
      ? `No comments on ${repo}#${number} yet.`
      : list.map((c) => `── comment ${c.id} by ${c.user}, ${c.updated_at}\n${c.body.trimEnd()}\n`).join('\n');
  print(values.json ?? false, list, text);
  return 0;
}

/**
 * `assay dev member --org <login> --login <user> [--role admin|member]`: makes
 * a user a member of an organisation on the GitHub double; "Sign in with
 * GitHub" then gives them the matching Assay role (GitHub `admin` → owner).
 */
async function member(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...common, org: { type: 'string' }, login: { type: 'string' }, role: { type: 'string' } },
    strict: true,
  });
  if (!values.org || !values.login)
    throw new DevError(`--org <login> and --login <user> are required\n${devUsage}`);
  const role = values.role ?? 'member';
  if (role !== 'admin' && role !== 'member')
    throw new DevError(`--role is a GitHub organisation role: admin or member, not ${role}`);
  const target = findTarget(values.url);
  const answer = await callDouble(target, 'POST', `/orgs/${encodeURIComponent(values.org)}/members`, {
    login: values.login,
    role,
  });
  print(
    values.json ?? false,
    answer,
    [
      `${values.login} is now ${role === 'admin' ? 'an owner' : 'a member'} (GitHub ${role}) of ${values.org} on the GitHub double.`,
      `They get the Assay role when they sign in: open ${target.url} and choose Sign in with GitHub as ${values.login}.`,
    ].join('\n'),
  );
  return 0;
}

/** `assay dev url`: the running runtime's API URL, for scripts (`ASSAY=$(npx assay dev url)`). */
async function url(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  process.stdout.write(`${findTarget(undefined).url}\n`);
  return 0;
}

const actions: Record<string, (args: string[]) => Promise<number>> = {
  url,
  install,
  member,
  issue,
  pull,
  comments: listComments,
};

/** `assay dev <url|install|member|issue|pull|comments> …`. */
export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const handler = action && Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!handler) {
    process.stderr.write(`Unknown dev action ${action ?? '(none)'}\n${devUsage}`);
    return 1;
  }
  try {
    return await handler(rest);
  } catch (error) {
    if (error instanceof DevError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
