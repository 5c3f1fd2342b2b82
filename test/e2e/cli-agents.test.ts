import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentWorld, startAgentWorld } from '../support/agent-runs.ts';
import { runCommand } from '../support/run-command.ts';

// `npx assay agents run` beside a running local runtime: the CLI records the run in the runtime's database,
// the runtime's runner executes it, and the CLI follows the events and approves both stages (--yes).
let w: AgentWorld;

beforeAll(async () => {
  w = await startAgentWorld('cliagents', 6060);
}, 120_000);

afterAll(async () => {
  await w?.dispose();
});

function assay(args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASSAY_DATA_DIR: w.runtime.dataDir,
    ASSAY_LOG_LEVEL: 'SILENT',
  };
  delete env.DATABASE_URL;
  return runCommand('npx', ['assay', ...args], { env });
}

describe('assay agents run', () => {
  it('runs an issue through the pipeline, approving each stage with --yes, and prints the run', async () => {
    const result = await assay([
      'agents',
      'run',
      '--org',
      'cliagents',
      '--repo',
      'cliagents/shop',
      '--issue',
      String(w.issue.number),
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run).toMatchObject({
      status: 'succeeded',
      repository: 'cliagents/shop',
      issues: [w.issue.number],
    });
    expect(result.stderr).toContain('Requirements to approve:');
    expect(result.stderr).toContain('T1 A customer can enter their email address and password to sign in');
    expect(result.stderr).toContain('Test cases to approve:');
    expect(result.stderr).toMatch(/\[analyst\] approve by assay-cli/);
    expect(result.stderr).toContain('run finished: succeeded');
    const approvals = (await w.call('viewer', 'GET', `/orgs/cliagents/agent-runs/${run.id}/approvals`)).body
      .approvals;
    expect(approvals.map((a: { status: string; decidedBy: string }) => [a.status, a.decidedBy])).toEqual([
      ['approved', 'assay-cli'],
      ['approved', 'assay-cli'],
    ]);
  }, 180_000);

  it('refuses bad arguments before touching anything', async () => {
    const noOrg = await assay(['agents', 'run', '--repo', 'cliagents/shop', '--issue', '1']);
    expect(noOrg.code).not.toBe(0);
    expect(noOrg.stderr).toContain('--org <login> is required');
    const nothing = await assay(['agents', 'run', '--org', 'cliagents']);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain('Give at least one issue or document');
    // Nobody at a terminal and no --yes: the run never approves on its own, so nothing starts.
    const runsBefore = (await w.call('viewer', 'GET', '/orgs/cliagents/agent-runs')).body.runs.length;
    const unattended = await assay([
      'agents',
      'run',
      '--org',
      'cliagents',
      '--repo',
      'cliagents/shop',
      '--issue',
      String(w.issue.number),
    ]);
    expect(unattended.code).toBe(2);
    expect(unattended.stderr).toContain('an agent run never approves on its own');
    expect(unattended.stderr).toContain('--yes');
    expect(unattended.stderr).not.toContain('Approved (--yes).');
    expect((await w.call('viewer', 'GET', '/orgs/cliagents/agent-runs')).body.runs).toHaveLength(runsBefore);
    const unknown = await assay(['agents', 'walk']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Unknown agents command');
  }, 60_000);
});
