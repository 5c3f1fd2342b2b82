import { expect } from 'vitest';

/** Wall-clock readings (ms since the epoch) taken just before and just after a call. */
export interface Bracket {
  before: number;
  after: number;
}

/**
 * Runs `call` between two readings of the wall clock, so that a timestamp the
 * call produced can be checked against both ends instead of against one
 * moment and a guessed allowance (which fails on a loaded machine).
 */
export async function bracketed<T>(call: () => Promise<T>): Promise<Bracket & { result: T }> {
  const before = Date.now();
  const result = await call();
  return { before, after: Date.now(), result };
}

/**
 * Expects `instant` (an ISO timestamp or ms since the epoch) to lie `offsetMs`
 * after a moment inside `bracket`: `before + offset − resolution ≤ instant ≤
 * after + offset`. `resolutionMs` allows a producer that truncates its
 * timestamps (whole seconds: 1000).
 */
export function expectOffsetWithin(
  instant: string | number,
  bracket: Bracket,
  offsetMs: number,
  resolutionMs = 0,
): void {
  const at = typeof instant === 'number' ? instant : Date.parse(instant);
  expect(at).toBeGreaterThanOrEqual(bracket.before + offsetMs - resolutionMs);
  expect(at).toBeLessThanOrEqual(bracket.after + offsetMs);
}
