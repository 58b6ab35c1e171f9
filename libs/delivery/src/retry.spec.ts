import { DEFAULT_RETRY_POLICY, retryDelayMs, RetryPolicy, TryResult, withRetries } from './retry';

describe('retryDelayMs', () => {
  it('backs off exponentially: 0.5 s, 1 s, 2 s, then gives up', () => {
    expect([0, 1, 2, 3].map((i) => retryDelayMs(DEFAULT_RETRY_POLICY, i))).toEqual([500, 1000, 2000, undefined]);
  });

  it('waits for a longer Retry-After, capped', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 0, 7_000)).toBe(7_000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 0, 120_000)).toBe(30_000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 2, 100)).toBe(2_000); // never shorter than the backoff
  });

  it('does not retry with zero retries', () => {
    expect(retryDelayMs({ ...DEFAULT_RETRY_POLICY, retries: 0 }, 0)).toBeUndefined();
  });
});

describe('withRetries', () => {
  const policy: RetryPolicy = { retries: 3, baseDelayMs: 10, maxRetryAfterMs: 50 };

  it('returns the first final result', async () => {
    const waits: number[] = [];
    const results: TryResult<string>[] = [
      { retry: true, value: 'busy' },
      { retry: true, value: 'busy', retryAfterMs: 40 },
      { retry: false, value: 'done' },
    ];
    const outcome = await withRetries(
      policy,
      async (n) => results[n - 1],
      async (ms) => void waits.push(ms),
    );
    expect(outcome).toEqual({ value: 'done', tries: 3 });
    expect(waits).toEqual([10, 40]);
  });

  it('keeps the last value when the retries run out', async () => {
    const waits: number[] = [];
    const outcome = await withRetries(
      policy,
      async (n) => ({ retry: true, value: `try ${n}` }),
      async (ms) => void waits.push(ms),
    );
    expect(outcome).toEqual({ value: 'try 4', tries: 4 });
    expect(waits).toEqual([10, 20, 40]);
  });

  it('does not retry a permanent failure', async () => {
    const attempt = jest.fn(async () => ({ retry: false as const, value: 'rejected' }));
    expect(await withRetries(policy, attempt, async () => undefined)).toEqual({ value: 'rejected', tries: 1 });
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
