import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface StartedProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * Sends Ctrl-C to the whole process group, as a terminal does, and resolves
   * once every process of the group has exited (npm itself exits on the
   * signal; the runtime under it finishes its shutdown).
   */
  interrupt(timeoutMs?: number): Promise<void>;
}

const root = join(import.meta.dirname, '../..');

/** Runs `npm start` as a user would (own process group), waiting for its "Ready" line. */
export async function spawnNpmStart(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<StartedProcess> {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready in time:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /API\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1] && output.includes('Ready in')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`npm start exited early:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async interrupt(timeoutMs = 30_000) {
      process.kill(-child.pid!, 'SIGINT');
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(child.pid!)) {
        if (Date.now() > deadline) throw new Error(`processes still running after Ctrl-C:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
