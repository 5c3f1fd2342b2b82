import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contracts } from '../../functions/contracts/index.ts';
import { topology } from '../../infra/topology.ts';
import type { Topology } from '../../infra/topology.types.ts';

const root = join(import.meta.dirname, '../..');
const t: Topology = topology;

function handlerFilesIn(folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${folder}/${f}`);
}

function topologyHandlers(): string[] {
  return [
    ...Object.values(t.routes).map((r) => r.handler),
    ...Object.values(t.queues).flatMap((q) => (q.handler ? [q.handler] : [])),
    ...Object.values(t.schedules).map((s) => s.handler),
    ...Object.values(t.stateMachines).flatMap((m) => Object.values(m.tasks).map((task) => task.handler)),
  ];
}

describe('topology', () => {
  it('names a file that exists for every entry', () => {
    const missing = topologyHandlers().filter((h) => !existsSync(join(root, h)));
    expect(missing).toEqual([]);
  });

  it('lists every handler file under functions/api, queues, schedules and steps', () => {
    const listed = new Set(topologyHandlers());
    const files = ['functions/api', 'functions/queues', 'functions/schedules', 'functions/steps'].flatMap(
      handlerFilesIn,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('has exactly one contract per route', () => {
    const routeKeys = Object.keys(t.routes).sort();
    const contractKeys = contracts.map((c) => c.route).sort();
    expect(contractKeys).toEqual(routeKeys);
  });

  it('gives each contract the same auth as its topology route', () => {
    for (const contract of contracts)
      expect({ route: contract.route, auth: contract.auth }).toEqual({
        route: contract.route,
        auth: t.routes[contract.route]?.auth,
      });
  });

  it('routes every bucket notification to a queue that exists', () => {
    for (const n of t.bucketNotifications) expect(Object.keys(t.queues)).toContain(n.queue);
  });

  it('keeps each queue visibility timeout at least 6 × its consumer timeout', () => {
    for (const [name, q] of Object.entries(t.queues)) {
      expect(q.visibilityTimeoutSeconds, name).toBeGreaterThanOrEqual(6 * (q.timeoutSeconds ?? 30));
    }
  });

  it('only lets queue uses name queues that exist', () => {
    const names = new Set(Object.keys(t.queues));
    const uses = [
      ...Object.values(t.routes),
      ...Object.values(t.queues),
      ...Object.values(t.schedules),
    ].flatMap((e) => e.uses);
    for (const use of uses.filter((u) => u.startsWith('queue:'))) expect(names).toContain(use.slice(6));
  });
});
