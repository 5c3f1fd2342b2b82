/** Dependencies the readiness check looks at. */
export type DependencyName = 'database' | 'objectStore' | 'queues';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Record<DependencyName, DependencyCheck>;
  /** Names of the dependencies that failed, in a stable order. */
  down: DependencyName[];
}

export type Probes = Readonly<Record<DependencyName, () => Promise<void>>>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function run(probe: () => Promise<void>, timeoutMs: number): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await withTimeout(probe(), timeoutMs);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message.slice(0, 300) };
  }
}

/**
 * Runs every probe concurrently, each bounded by `timeoutMs`, and reports
 * which dependencies are down. Never throws.
 */
export async function checkReadiness(probes: Probes, timeoutMs = 3000): Promise<Readiness> {
  const names: DependencyName[] = ['database', 'objectStore', 'queues'];
  const results = await Promise.all(names.map((name) => run(probes[name], timeoutMs)));
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]])) as Record<
    DependencyName,
    DependencyCheck
  >;
  const down = names.filter((name) => !checks[name].ok);
  return { status: down.length === 0 ? 'ready' : 'not_ready', checks, down };
}
