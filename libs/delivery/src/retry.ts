/** In-process retries of one send: exponential backoff, stretched to a server's Retry-After up to a cap. */
export interface RetryPolicy {
  /** Retries after the first try; 3 means at most 4 sends. */
  retries: number;
  /** Wait before the first retry; each further retry waits twice as long. */
  baseDelayMs: number;
  /** A server's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxRetryAfterMs: 30_000 };

/** The wait before retry number `retryIndex` (0-based), or undefined when the retries are used up. */
export function retryDelayMs(policy: RetryPolicy, retryIndex: number, retryAfterMs?: number): number | undefined {
  if (retryIndex >= policy.retries) return undefined;
  const backoff = policy.baseDelayMs * 2 ** retryIndex;
  const requested = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  return Math.max(backoff, requested);
}

/** What one try came to: final, or worth another try (optionally not before `retryAfterMs`). */
export type TryResult<T> = { retry: false; value: T } | { retry: true; value: T; retryAfterMs?: number };

export interface Retried<T> {
  value: T;
  /** How many tries were made. */
  tries: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it is final or the policy's retries are spent; the last value stands. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (tryNumber: number) => Promise<TryResult<T>>,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<Retried<T>> {
  for (let tries = 1; ; tries++) {
    const result = await attempt(tries);
    const delay = result.retry ? retryDelayMs(policy, tries - 1, result.retryAfterMs) : undefined;
    if (delay === undefined) return { value: result.value, tries };
    await wait(delay);
  }
}
