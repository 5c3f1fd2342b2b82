/**
 * Retrying an HTTP call on transient failures: 429, 5xx and network errors,
 * with exponential backoff that honours `Retry-After` (seconds or an HTTP
 * date), bounded in attempts and in each wait.
 *
 * @module
 */

/** How to retry; every field has a default. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** First backoff in milliseconds, doubled each time (with jitter). Default 1,000. */
  baseDelayMs?: number;
  /** No single wait is longer than this, whatever `Retry-After` says. Default 30,000. */
  maxDelayMs?: number;
  /** Waits `ms`; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock `Retry-After` dates are measured against. */
  now?: () => number;
  /** Told before each wait (to print "retrying in …"). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Statuses worth another attempt. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds (`120`) or
 * an HTTP date (RFC 9110 §10.2.3; a date in the past is 0). `undefined` when
 * the header is absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month (`Sun, 06 Nov 1994 08:49:37 GMT`); `-5` is not one.
  if (!/[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The outcome of the last attempt when no more are allowed: a response, or the network error. */
export type Attempted = { response: Response; attempts: number } | { error: Error; attempts: number };

/**
 * Calls `attempt` until it answers with a non-transient status or the
 * attempts run out. Between attempts it waits `Retry-After` when the answer
 * carried one, else `baseDelayMs × 2^(n−1)` with ±25 % jitter, never more than
 * `maxDelayMs`. Transient answers that are retried have their bodies
 * discarded; the last answer is returned as is.
 */
export async function withRetries(
  attempt: (n: number) => Promise<Response>,
  policy: RetryPolicy = {},
): Promise<Attempted> {
  const attempts = Math.max(1, policy.attempts ?? 5);
  const base = policy.baseDelayMs ?? 1000;
  const max = policy.maxDelayMs ?? 30_000;
  const sleep = policy.sleep ?? defaultSleep;
  const now = policy.now ?? Date.now;
  for (let n = 1; ; n++) {
    let outcome: Attempted;
    let hinted: number | undefined;
    let reason: string;
    try {
      const response = await attempt(n);
      outcome = { response, attempts: n };
      if (!isTransientStatus(response.status)) return outcome;
      hinted = retryAfterMs(response.headers.get('retry-after'), now());
      reason = `HTTP ${response.status}`;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      outcome = { error: err, attempts: n };
      reason = describeNetworkError(err);
    }
    if (n >= attempts) return outcome;
    if ('response' in outcome) await outcome.response.body?.cancel();
    const backoff = base * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
    const delayMs = Math.round(Math.min(max, hinted ?? backoff));
    policy.onRetry?.({ attempt: n, delayMs, reason });
    await sleep(delayMs);
  }
}

/** A network error's message with its cause (`fetch failed: connect ECONNREFUSED 127.0.0.1:9`). */
export function describeNetworkError(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
