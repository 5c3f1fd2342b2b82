import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';
import { groupAlive } from '../support/spawn-start.ts';

/** The only variables the demo gets: what npm needs to run, and a silent log. */
function minimalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ASSAY_LOG_LEVEL: 'SILENT' };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'SystemRoot']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

/** Runs `npm run demo` as a user would, in its own process group. */
function runDemo(...args: string[]): Promise<DemoRun> {
  return runCommand('npm', ['run', 'demo', ...(args.length > 0 ? ['--', ...args] : [])], {
    env: minimalEnv(),
    detached: true,
  });
}

let demo: DemoRun | undefined;
let agents: DemoRun | undefined;

afterAll(() => {
  for (const run of [demo, agents])
    if (run?.pid !== undefined && groupAlive(run.pid)) process.kill(-run.pid, 'SIGKILL');
});

describe('npm run demo', () => {
  it('runs the whole loop offline and exits 0, printing the checklist, the manifest and the failed check', async () => {
    // How long it takes is not asserted (the machine may be loaded); the test's timeout bounds a hang.
    demo = await runDemo();
    const output = `${demo.stdout}\n${demo.stderr}`;
    expect(demo.code, output).toBe(0);

    expect(demo.stdout).toContain('Checklist comment on issue #1');
    expect(demo.stdout).toContain('- [ ] **T1** Shoppers see an error when the coupon code is unknown');
    expect(demo.stdout).toContain('- [ ] **T2** A valid coupon takes its discount off the cart total');
    expect(demo.stdout).toContain('- [ ] **T3** An expired coupon is refused with its expiry date');

    expect(demo.stdout).toContain('Manifest comment on pull request #2');
    expect(demo.stdout).toContain('Linked issues: #1 (3 criteria)');
    expect(demo.stdout).toContain('| TID | Criterion | Relevance | Suggested test | Already in this PR |');
    expect(demo.stdout).toMatch(
      /\| \*\*T1\*\* \| Shoppers see an error .* \| `src\/cart\/coupon\.test\.ts:\d+` \|/,
    );

    expect(demo.stdout).toContain(
      'Check run "Assay" concluded failure in place (1 check run on c0ffee1): one open check run per commit',
    );
    expect(demo.stdout).toContain('Final check run');
    expect(demo.stdout).toContain('status: completed');
    expect(demo.stdout).toContain('conclusion: failure');
    expect(demo.stdout).toContain('annotations: 1');
    expect(demo.stdout).toMatch(/\| \*\*T3\*\* \| .* \| ❌ failed \|/);
    expect(demo.stdout).toContain('Stopped the runtime and the doubles');
    // Nothing it started is left running (give the process group a moment to finish exiting).
    const pid = demo.pid!;
    const deadline = Date.now() + 5_000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(groupAlive(pid)).toBe(false);
  });

  it('runs the agent pipeline offline with --agents: approvals, generated tests, and a verify that passes', async () => {
    agents = await runDemo('--agents');
    const output = `${agents.stdout}\n${agents.stderr}`;
    expect(agents.code, output).toBe(0);
    expect(agents.stdout).toContain('Requirements awaiting approval (approved)');
    expect(agents.stdout).toContain('- T1 A customer can enter their email address and password to sign in');
    expect(agents.stdout).toContain('Test cases awaiting approval (approved)');
    expect(agents.stdout).toMatch(/Generated tests\/r1-[a-z0-9-]+\.spec\.ts/);
    expect(agents.stdout).toContain("test('T1::");
    expect(agents.stdout).toContain('"typecheck": "ok"');
    expect(agents.stdout).toContain('"failed": 0');
    expect(agents.stdout).toContain('run finished: succeeded');
    expect(agents.stdout).toContain('Stopped the runtime and the doubles');
  }, 300_000);
});
