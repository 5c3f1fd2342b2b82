import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';
import { freshDataDir } from '../support/test-database.ts';

const data = freshDataDir();
let blocker: Server;
let busyPort: number;

/** `npm start` as a user runs it, expected to fail. */
function start(env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ASSAY_S3_PORT: '0', ASSAY_DATA_DIR: data.dir };
  delete base.ASSAY_LOG_LEVEL;
  return runCommand('npm', ['start', '--silent'], { env: { ...base, ...env } });
}

/** The output without npm's own lines. */
const own = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^npm (warn|error)/i.test(line))
    .join('\n');

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  busyPort = (blocker.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  data.remove();
});

describe('npm start refuses with one clear line', () => {
  it('when the port is in use, naming PORT', async () => {
    const result = await start({ PORT: String(busyPort) });
    expect(result.code).not.toBe(0);
    expect(own(result.stderr)).toBe(
      `Port ${busyPort} is in use by another program: set PORT to a free port (PORT=0 picks one).`,
    );
  }, 120_000);

  it('when the local S3 port is in use, naming ASSAY_S3_PORT', async () => {
    const result = await start({ ASSAY_S3_PORT: String(busyPort) });
    expect(result.code).not.toBe(0);
    expect(own(result.stderr)).toContain('set ASSAY_S3_PORT to a free port');
  }, 120_000);

  it('when the configuration is invalid, naming the variable, with no stack trace', async () => {
    const result = await start({ PORT: 'eighty' });
    expect(result.code).not.toBe(0);
    const out = own(result.stderr);
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toContain('PORT');
    expect(out).not.toMatch(/\s+at /);
  }, 120_000);

  it('when the data directory is locked by a running process, naming ASSAY_DATA_DIR', async () => {
    writeFileSync(join(data.dir, 'runtime.json'), JSON.stringify({ pid: process.pid }));
    try {
      const result = await start({});
      expect(result.code).not.toBe(0);
      expect(own(result.stderr)).toBe(
        `${data.dir} is in use by process ${process.pid}; stop it or set ASSAY_DATA_DIR to another directory`,
      );
    } finally {
      rmSync(join(data.dir, 'runtime.json'), { force: true });
    }
  }, 120_000);

  it('when its secrets file is unreadable, naming the file and the variables; the stack with DEBUG', async () => {
    writeFileSync(join(data.dir, 'dev-secrets.json'), '{ not json');
    const result = await start({});
    expect(result.code).not.toBe(0);
    const out = own(result.stderr);
    expect(out).toContain(`Cannot read ${join(data.dir, 'dev-secrets.json')}`);
    expect(out).toContain('ASSAY_GITHUB_WEBHOOK_SECRET');
    expect(out.split('\n')).toHaveLength(1);
    const debug = await start({ ASSAY_LOG_LEVEL: 'DEBUG' });
    expect(own(debug.stderr)).toMatch(/\n\s+at /);
  }, 120_000);
});
