import { describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/environment.ts';

// `npm test` sends a small budget; `npm run fuzz` runs the same test with ASSAY_FUZZ_REQUESTS=3000
// (set ASSAY_FUZZ_REQUESTS / ASSAY_FUZZ_SEED to change either).
const requests = Number(process.env.ASSAY_FUZZ_REQUESTS ?? 300);
const seed = Number(process.env.ASSAY_FUZZ_SEED ?? 1313);

describe('fuzzing every route of the topology', () => {
  it('answers malformed bodies, parameters, headers and cookies without a 5xx, and stays up', async () => {
    const run = await runFuzz({ requests, seed, checkEvery: 100 });
    console.info(`fuzz: ${run.sent} requests (seed ${seed}), statuses ${JSON.stringify(run.byStatus)}`);
    expect(run.failures).toEqual([]);
    expect(run.failedDeliveries).toEqual([]);
    expect(run.healthy).toBe(true);
    // The requests reached past authentication and validation, not only the front door.
    expect(run.sent).toBeGreaterThan(requests * 0.9);
    expect(Object.keys(run.byStatus).map(Number)).toEqual(expect.arrayContaining([200, 400, 404]));
  }, 1_800_000);
});
