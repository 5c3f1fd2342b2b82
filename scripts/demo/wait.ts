/** Thrown when a demo step does not show its effect in time. */
export class StepTimeoutError extends Error {
  constructor(step: string, timeoutMs: number) {
    super(`Timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for: ${step}`);
    this.name = 'StepTimeoutError';
  }
}

/**
 * Polls `probe` until it returns a value other than `undefined`, and returns
 * that value. Throws a {@link StepTimeoutError} naming `step` after `timeoutMs`.
 */
export async function waitFor<T>(
  step: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new StepTimeoutError(step, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
