import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/runtime.ts';
import { freshDataDir } from './test-database.ts';

export interface TestRuntime extends LocalRuntime {
  dataDir: string;
  /** Stops the runtime and deletes its data directory. */
  dispose(): Promise<void>;
}

/** Starts the whole local runtime on free ports over a fresh copy of the migrated template. */
export async function startTestRuntime(options: Partial<LocalRuntimeOptions> = {}): Promise<TestRuntime> {
  const data = options.dataDir ? { dir: options.dataDir, remove: () => undefined } : freshDataDir();
  const runtime = await startLocalRuntime({
    port: 0,
    s3Port: 0,
    pollIntervalMs: 50,
    ...options,
    dataDir: data.dir,
  });
  return {
    ...runtime,
    dataDir: data.dir,
    async dispose() {
      await runtime.stop();
      data.remove();
    },
  };
}
