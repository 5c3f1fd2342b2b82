import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const runtimeFileSchema = z.object({
  pid: z.number().int(),
  url: z.string().optional(),
  databaseUrl: z.string().optional(),
  /** Role the runtime's database connections switch to (`ASSAY_DB_SESSION_ROLE`). */
  databaseSessionRole: z.string().optional(),
  s3Endpoint: z.string().optional(),
  /** The local GitHub double `npm start` runs when no GitHub App is configured (for `assay dev`). */
  githubDoubleUrl: z.string().optional(),
});

/** What a running local runtime writes to `<dataDir>/runtime.json` for the CLI. */
export type RuntimeFile = z.infer<typeof runtimeFileSchema>;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const fileIn = (dataDir: string) => join(dataDir, 'runtime.json');

/** The runtime serving `dataDir` right now, if any (a file left by a dead process is ignored). */
export function readRunningRuntime(dataDir: string): RuntimeFile | undefined {
  const file = fileIn(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = runtimeFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.pid !== process.pid && isAlive(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory for this process. Two runtimes on one PGlite
 * directory would corrupt it, so a second one is refused while the first
 * lives; a lock left by a dead process is taken over. Returns a function that
 * records the runtime's addresses and one that releases the lock.
 */
export function lockDataDir(dataDir: string): {
  publish: (info: Omit<RuntimeFile, 'pid'>) => void;
  release: () => void;
} {
  mkdirSync(dataDir, { recursive: true });
  const running = readRunningRuntime(dataDir);
  if (running) {
    throw new Error(
      `${dataDir} is in use by process ${running.pid}; stop it or set ASSAY_DATA_DIR to another directory`,
    );
  }
  const file = fileIn(dataDir);
  writeFileSync(file, JSON.stringify({ pid: process.pid }));
  return {
    publish: (info) => writeFileSync(file, JSON.stringify({ pid: process.pid, ...info })),
    release: () => rmSync(file, { force: true }),
  };
}
