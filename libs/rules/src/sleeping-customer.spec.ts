import { asleepIfLastOrderBefore, sleepOccasion, sleepStepDueAt, sleepVerdict } from './sleeping-customer';

const DAY = 24 * 3600 * 1000;
const lastOrderAt = new Date('2026-08-15T10:00:00.000Z');

describe('sleeping customer', () => {
  it('falls asleep inactiveDays after the last order, plus the first step’s delay', () => {
    expect(sleepStepDueAt(lastOrderAt, { inactiveDays: 90 }, 0).toISOString()).toBe('2026-11-13T10:00:00.000Z');
    expect(sleepStepDueAt(lastOrderAt, { inactiveDays: 90 }, DAY).toISOString()).toBe('2026-11-14T10:00:00.000Z');
  });

  it('gives the scanner the last-order bound matching the due time', () => {
    const now = new Date('2026-11-14T10:00:00.000Z');
    expect(asleepIfLastOrderBefore(now, { inactiveDays: 90 }, DAY)).toEqual(lastOrderAt);
  });

  it('names the episode after the last order', () => {
    expect(sleepOccasion(lastOrderAt)).toBe('sleep:2026-08-15T10:00:00.000Z');
  });

  it('holds while no order came since and the customer is within maxOrders', () => {
    const occasion = sleepOccasion(lastOrderAt);
    expect(sleepVerdict({ lastOrderAt, orderCount: 1 }, occasion, { inactiveDays: 90, maxOrders: 1 })).toEqual({
      remind: true,
    });
    expect(sleepVerdict({ lastOrderAt, orderCount: 5 }, occasion, { inactiveDays: 90 })).toEqual({ remind: true });
  });

  it('ends when a new order woke the customer or they bought too often', () => {
    const occasion = sleepOccasion(lastOrderAt);
    const later = new Date(lastOrderAt.getTime() + DAY);
    expect(sleepVerdict({ lastOrderAt: later, orderCount: 2 }, occasion, { inactiveDays: 90 })).toEqual({
      remind: false,
      reason: 'woke_up',
    });
    expect(sleepVerdict({ lastOrderAt, orderCount: 2 }, occasion, { inactiveDays: 90, maxOrders: 1 })).toEqual({
      remind: false,
      reason: 'too_many_orders',
    });
  });
});
