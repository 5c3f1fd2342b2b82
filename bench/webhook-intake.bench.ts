import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../infra/local/runtime.ts';
import { topology } from '../infra/topology.ts';
import type { Topology } from '../infra/topology.types.ts';
import { signBody } from '../test/support/webhooks.ts';
import { type LoadResult, runLoad } from './support/load.ts';

const SECRET = 'bench-webhook-secret';

function payload25k(): string {
  const base = {
    action: 'opened',
    installation: { id: 1 },
    repository: {
      id: 1,
      name: 'app',
      full_name: 'acme/app',
      owner: { id: 1, login: 'acme', type: 'Organization' },
    },
    issue: { number: 1, title: 'Bench', state: 'open', user: { login: 'mona' }, body: '' },
  };
  const filler = 25 * 1024 - JSON.stringify(base).length;
  base.issue.body = 'Acceptance criteria: the user sees an error. '
    .repeat(Math.ceil(filler / 45))
    .slice(0, filler);
  return JSON.stringify(base);
}

const fmt = (r: LoadResult) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms`;

/** Webhook intake on the local runtime vs. the same requests answered after signature verification only. */
export default async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.ASSAY_LOG_LEVEL = 'SILENT';
  const benchTopology: Topology = {
    ...topology,
    routes: {
      ...topology.routes,
      'POST /bench/verify-only': { handler: 'bench/support/verify-only-route.ts', auth: 'webhook', uses: [] },
    },
  };
  const runtime = await startLocalRuntime({
    dataDir: root,
    port: 0,
    s3Port: 0,
    topology: benchTopology,
    autoStart: false,
  });
  try {
    const body = payload25k();
    const signature = signBody(body, SECRET);
    const post = (path: string) => async () => {
      const res = await fetch(`${runtime.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
        },
        body,
      });
      await res.arrayBuffer();
      return res.status === 202;
    };
    console.log(
      `payload ${(Buffer.byteLength(body) / 1024).toFixed(1)} KB, local runtime, embedded PGlite (one connection)`,
    );
    await runLoad(50, 4, post('/webhooks/github'));
    await runLoad(50, 4, post('/bench/verify-only'));
    for (const [concurrency, total] of [
      [1, 300],
      [16, 800],
    ] as const) {
      const baseline = await runLoad(total, concurrency, post('/bench/verify-only'));
      const intake = await runLoad(total, concurrency, post('/webhooks/github'));
      console.log(`concurrency ${String(concurrency).padStart(2)}  baseline (verify only) ${fmt(baseline)}`);
      console.log(`concurrency ${String(concurrency).padStart(2)}  intake (store+enqueue) ${fmt(intake)}`);
      console.log(
        `concurrency ${String(concurrency).padStart(2)}  ratio intake/baseline: throughput ${(intake.rps / baseline.rps).toFixed(2)}×, p50 ${(intake.p50 / baseline.p50).toFixed(2)}×, p99 ${(intake.p99 / baseline.p99).toFixed(2)}×`,
      );
    }
  } finally {
    await runtime.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
