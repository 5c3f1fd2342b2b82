import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Kysely } from 'kysely';
import { readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { createLocalWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { requestAgentRun } from '../../shared/agents/agent-runs.service.ts';
import { type ArtifactView, agentRunRequestSchema } from '../../shared/agents/agent-runs.types.ts';
import { getConfig } from '../../shared/config.ts';
import type { Database } from '../../shared/db/database.ts';
import { type ApprovalPrompt, cliActor, followAgentRun, summarizeArtifacts } from './agent-run-follow.ts';
import { parseArgs } from './args.ts';
import { findOrgByLogin, openCliDatabase } from './database.ts';
import { printJson } from './output.ts';
import { agentsUsage } from './usage.ts';

export { agentsUsage };

function parseAgentsRun(args: string[]) {
  const [sub, ...rest] = args;
  if (sub !== 'run') throw new Error(`Unknown agents command "${sub ?? ''}"\n${agentsUsage}`);
  const { values } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      repo: { type: 'string' },
      issue: { type: 'string', multiple: true },
      crawl: { type: 'string' },
      doc: { type: 'string', multiple: true },
      instructions: { type: 'string' },
      'token-budget': { type: 'string' },
      'no-approvals': { type: 'boolean' },
      yes: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.org) throw new Error(`--org <login> is required\n${agentsUsage}`);
  const request = agentRunRequestSchema.safeParse({
    ...(values.repo ? { repository: values.repo } : {}),
    ...(values.issue ? { issues: values.issue.map(Number) } : {}),
    ...(values.doc ? { documentIds: values.doc } : {}),
    ...(values.crawl ? { crawlId: values.crawl } : {}),
    ...(values.instructions ? { instructions: values.instructions } : {}),
    ...(values['token-budget'] ? { tokenBudget: Number(values['token-budget']) } : {}),
    approvals: values['no-approvals'] ? 'none' : 'each-stage',
  });
  if (!request.success) {
    const first = request.error.issues[0];
    throw new Error(
      `${first?.path.join('.') || 'arguments'}: ${first?.message ?? 'invalid'}\n${agentsUsage}`,
    );
  }
  return { org: values.org, request: request.data, yes: values.yes ?? false };
}

/** What `assay agents run` prints, exit 2, when nobody is there to approve and `--yes` was not given. */
export const NO_TERMINAL_MESSAGE = `Nobody can approve here: standard input is not a terminal, and an agent run never approves on its own.
Approve each stage by one of:
  - running this command in a terminal (it asks: approve, edit or reject);
  - adding --yes to approve every stage without asking;
  - --no-approvals to run without approval stages;
  - POST /api/v1/orgs/{org}/agent-runs/{id}/approvals/{approvalId} or /assay approve on the issue.
`;

/**
 * Opens the stage's artifacts in `$EDITOR` (else `vi`) as JSON —
 * `[{ id, kind, name, content }]` — and reads back what the person saved:
 * the `edit` decision's artifacts. Throws when the editor fails or the JSON
 * does not parse (the prompt asks again).
 */
export async function editInEditor(
  artifacts: readonly ArtifactView[],
  editor: string = process.env.VISUAL || process.env.EDITOR || 'vi',
): Promise<{ id: string; content: unknown }[]> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-edit-'));
  const file = join(dir, 'artifacts.json');
  try {
    const shown = artifacts.map((a) => ({ id: a.id, kind: a.kind, name: a.name, content: a.content }));
    await writeFile(file, `${JSON.stringify(shown, null, 2)}\n`);
    const result = spawnSync(`${editor} '${file.replace(/'/g, "'\\''")}'`, { shell: true, stdio: 'inherit' });
    if (result.status !== 0)
      throw new Error(`the editor (${editor}) exited with ${result.status ?? result.signal}`);
    const edited: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (!Array.isArray(edited)) throw new Error('the file must stay a JSON array of { id, content }');
    return edited.map((entry: unknown, index) => {
      const item = entry as { id?: unknown; content?: unknown };
      if (typeof item?.id !== 'string' || !('content' in (item as object)))
        throw new Error(`entry ${index} lost its id or content`);
      return { id: item.id, content: item.content };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Asks in the terminal: `a`pprove, `e`dit (the artifacts open in `$EDITOR`
 * as JSON and are sent as the decision `edit`), `r`eject with a reason.
 * `--yes` approves without asking; without a terminal and without `--yes`
 * the command never gets here (exit 2).
 */
function terminalPrompt(yes: boolean): ApprovalPrompt {
  return async (stage, artifacts) => {
    process.stderr.write(
      `\n${stage === 'analyst' ? 'Requirements' : 'Test cases'} to approve:\n${summarizeArtifacts(artifacts)}\n`,
    );
    if (yes) {
      process.stderr.write('Approved (--yes).\n');
      return { decision: 'approve' };
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      for (;;) {
        const answer = (await rl.question('Approve? [a]pprove / [e]dit / [r]eject <reason>: ')).trim();
        if (/^a(pprove)?$/i.test(answer)) return { decision: 'approve' };
        if (/^e(dit)?$/i.test(answer)) {
          rl.pause();
          try {
            return { decision: 'edit', artifacts: await editInEditor(artifacts) };
          } catch (error) {
            process.stderr.write(`Not edited: ${error instanceof Error ? error.message : String(error)}\n`);
          } finally {
            rl.resume();
          }
          continue;
        }
        const reject = /^r(eject)?\s*(.*)$/i.exec(answer);
        if (reject) return { decision: 'reject', ...(reject[2] ? { comment: reject[2] } : {}) };
      }
    } finally {
      rl.close();
    }
  };
}

/**
 * `assay agents run --org <login> --repo <o/r> --issue N [--crawl id] [--doc id…]`:
 * starts an agent run and follows it in the terminal, asking for each
 * approval. The run executes in the running `npm start` (its runner picks it
 * up from the database), or in a local runtime this command starts for the
 * purpose when none runs. Prints the finished run as JSON; exit code 0 when it
 * succeeded, 2 (before anything starts) when approvals are asked for but
 * standard input is not a terminal and `--yes` was not given.
 */
export async function run(args: string[]): Promise<number> {
  const { org, request, yes } = parseAgentsRun(args);
  if (request.approvals === 'each-stage' && !yes && !process.stdin.isTTY) {
    process.stderr.write(NO_TERMINAL_MESSAGE);
    return 2;
  }
  const dataDir = getConfig().ASSAY_DATA_DIR;
  let db: Kysely<Database>;
  let close: () => Promise<void>;
  if (process.env.DATABASE_URL || readRunningRuntime(dataDir)) {
    const database = await openCliDatabase(dataDir);
    db = database.db;
    close = database.close;
  } else {
    const { startLocalRuntime } = await import('../../infra/local/runtime.ts');
    process.stderr.write('No local runtime is running: starting one for this run.\n');
    const runtime = await startLocalRuntime({ dataDir, port: 0, s3Port: 0 });
    db = runtime.db;
    close = runtime.stop;
  }
  try {
    const found = await findOrgByLogin(db, org);
    const workflow = createLocalWorkflowStarter(async () => db);
    const { run: started } = await requestAgentRun(
      { db, workflow, config: getConfig() },
      found.id,
      cliActor,
      request,
    );
    process.stderr.write(`Agent run ${started.id} started for ${found.login}\n`);
    const finished = await followAgentRun({ db, workflow }, found.id, started.id, {
      prompt: terminalPrompt(yes),
      print: (line) => process.stderr.write(`${line}\n`),
    });
    printJson(finished);
    return finished.status === 'succeeded' ? 0 : 1;
  } finally {
    await close();
  }
}
