import { createInterface } from 'node:readline/promises';
import type { Kysely } from 'kysely';
import { readRunningRuntime } from '../../infra/local/data-dir-lock.ts';
import { createLocalWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { requestAgentRun } from '../../shared/agents/agent-runs.service.ts';
import { agentRunRequestSchema } from '../../shared/agents/agent-runs.types.ts';
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

/** Asks in the terminal: `a`pprove, `r`eject with a reason; `--yes` approves without asking. */
function terminalPrompt(yes: boolean): ApprovalPrompt {
  return async (stage, artifacts) => {
    process.stderr.write(
      `\n${stage === 'analyst' ? 'Requirements' : 'Test cases'} to approve:\n${summarizeArtifacts(artifacts)}\n`,
    );
    if (yes || !process.stdin.isTTY) {
      process.stderr.write('Approved (--yes).\n');
      return { decision: 'approve' };
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      for (;;) {
        const answer = (await rl.question('Approve? [a]pprove / [r]eject <reason>: ')).trim();
        if (/^a(pprove)?$/i.test(answer)) return { decision: 'approve' };
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
 * succeeded.
 */
export async function run(args: string[]): Promise<number> {
  const { org, request, yes } = parseAgentsRun(args);
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
