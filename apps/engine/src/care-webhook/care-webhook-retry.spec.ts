import { CARE_WEBHOOK_RETRY_WINDOW_MS, nextAttemptAt, retryDelayMs } from './care-webhook-retry';

const policy = { baseMs: 10_000, maxMs: 3_600_000 };
const lowest = () => 0;
const highest = () => 1;

describe('retryDelayMs', () => {
  it('doubles from the first wait, the upper half of each wait random', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, highest))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, lowest))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(2, policy, () => 0.5)).toBe(15_000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempts of [10, 20, 100, 10_000]) {
      expect(retryDelayMs(attempts, policy, highest)).toBe(3_600_000);
      expect(retryDelayMs(attempts, policy, lowest)).toBe(1_800_000);
    }
  });

  it('waits the first wait for a signal not yet counted as failed', () => {
    expect(retryDelayMs(0, policy, highest)).toBe(10_000);
  });
});

describe('nextAttemptAt', () => {
  const created = new Date('2026-12-01T00:00:00.000Z');
  const deadline = created.getTime() + CARE_WEBHOOK_RETRY_WINDOW_MS;

  it('schedules the next try after the backoff', () => {
    const failedAt = new Date(created.getTime() + 1000);
    expect(nextAttemptAt(created, failedAt, 1, policy, highest)).toEqual(new Date(failedAt.getTime() + 10_000));
  });

  it('moves a try that would fall past 24 hours to the 24th hour', () => {
    const failedAt = new Date(deadline - 60_000);
    expect(nextAttemptAt(created, failedAt, 20, policy, highest)).toEqual(new Date(deadline));
  });

  it('gives up on a failure at or after 24 hours', () => {
    expect(nextAttemptAt(created, new Date(deadline), 30, policy)).toBeNull();
    expect(nextAttemptAt(created, new Date(deadline + 5), 1, policy)).toBeNull();
  });

  it('keeps trying for the whole window with the default policy: about 40 tries, none after it', () => {
    let at = created;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(created, at, attempts, policy, () => 0.5);
      if (next === null) break;
      expect(next.getTime()).toBeGreaterThan(at.getTime());
      at = next;
    }
    expect(at.getTime()).toBe(deadline);
    expect(attempts).toBeGreaterThan(35);
    expect(attempts).toBeLessThan(45);
  });
});
