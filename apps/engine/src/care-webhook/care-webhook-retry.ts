/** CONTRACT.md §8: a care signal is retried for up to 24 hours after it was raised, then given up. */
export const CARE_WEBHOOK_RETRY_WINDOW_MS = 24 * 3600 * 1000;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Wait before the next POST after `attempts` failed ones (1 for the first failure): doubling from
 * baseMs, capped at maxMs, with equal jitter (the upper half of the wait is random) so signals that
 * failed together when a receiver went down do not all come back in the same instant.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(wait / 2 + (wait / 2) * random());
}

/**
 * When a failed signal is tried next, or null when it is given up: the retries stop at the end of
 * the window, and the last one is moved to the window's end rather than past it, so a signal always
 * gets a try at its 24th hour.
 */
export function nextAttemptAt(
  createdAt: Date,
  failedAt: Date,
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Date | null {
  const deadline = createdAt.getTime() + CARE_WEBHOOK_RETRY_WINDOW_MS;
  if (failedAt.getTime() >= deadline) return null;
  return new Date(Math.min(failedAt.getTime() + retryDelayMs(attempts, policy, random), deadline));
}
