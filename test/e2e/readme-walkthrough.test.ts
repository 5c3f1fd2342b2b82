import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';
import { groupAlive, type StartedProcess, spawnNpmStart } from '../support/spawn-start.ts';
import { freshDataDir } from '../support/test-database.ts';

/** The shell blocks of README's "Try it in five minutes", exactly as written there. */
function walkthrough(): string {
  const lines = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8').split('\n');
  const blocks: string[] = [];
  let inSection = false;
  let block: string[] | undefined;
  let fence = false;
  for (const line of lines) {
    if (line.startsWith('```')) fence = !fence;
    if (!fence && line.startsWith('## ')) inSection = line === '## Try it in five minutes';
    if (!inSection) continue;
    if (line === '```sh') block = [];
    else if (line === '```' && block) {
      blocks.push(block.join('\n'));
      block = undefined;
    } else block?.push(line);
  }
  expect(blocks.length).toBeGreaterThan(0);
  return blocks.join('\n');
}

/** The environment of a user with no GitHub App configured. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith('ASSAY_GITHUB_') || key === 'DATABASE_URL') delete env[key];
  }
  return env;
}

const data = freshDataDir();
let app: StartedProcess;

beforeAll(async () => {
  app = await spawnNpmStart(
    userEnv({ PORT: '0', ASSAY_S3_PORT: '0', ASSAY_DATA_DIR: data.dir, ASSAY_LOG_LEVEL: 'WARN' }) as Record<
      string,
      string
    >,
  );
}, 90_000);

afterAll(async () => {
  if (app && groupAlive(app.child.pid!)) await app.interrupt();
  data.remove();
});

describe('README: Try it in five minutes', () => {
  it('npm start advertises the local GitHub double', () => {
    expect(app.output()).toMatch(/GitHub\s+local double at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('runs exactly the README commands, from install to the validation', async () => {
    const script = walkthrough();
    const result = await runCommand('timeout', ['240', 'bash', '-euo', 'pipefail', '-c', script], {
      env: userEnv({ ASSAY_DATA_DIR: data.dir, ASSAY_LOG_LEVEL: 'SILENT' }),
    });
    expect(result.stderr.replace(/npm warn.*\n/gi, '')).not.toMatch(/error|refused|Gave up/i);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Installed the App on acme');
    expect(out).toContain('"fullName": "acme/shop"');
    expect(out).toContain('- [ ] **T1** Shoppers see an error when the coupon code is unknown');
    expect(out).toContain('Test manifest (Assay)');
    expect(out).toContain('"failure"');
    expect(out).toMatch(/"status": "processed"/);
    expect(out).toMatch(/"tid": "T2",\s+"text": "A valid coupon takes its discount off the cart total"/);
  }, 300_000);

  it('assay dev refuses when a GitHub App is configured, naming the variable', async () => {
    const result = await runCommand('npx', ['assay', 'dev', 'install', '--org', 'acme'], {
      env: { ...userEnv({ ASSAY_DATA_DIR: data.dir }), ASSAY_GITHUB_APP_ID: '12345' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ASSAY_GITHUB_APP_ID');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('token create for an organisation that does not exist says how one comes into being', async () => {
    const result = await runCommand(
      'npx',
      ['assay', 'token', 'create', '--org', 'initech', '--role', 'admin'],
      {
        env: userEnv({ ASSAY_DATA_DIR: data.dir, ASSAY_LOG_LEVEL: 'SILENT' }),
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npx assay dev install --org initech');
  });
});
