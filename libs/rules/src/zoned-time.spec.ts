import { addDays, zoneOffsetMs } from './caps/local-time';
import { zonedTimeToInstant } from './zoned-time';

describe('zonedTimeToInstant', () => {
  it('reads a wall-clock time in the given zone', () => {
    expect(zonedTimeToInstant({ year: 2026, month: 7, day: 1 }, '10:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-01T08:00:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 1, day: 1 }, '10:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-01-01T09:00:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 1 }, '09:30', 'Asia/Vladivostok').toISOString()).toBe(
      '2026-02-28T23:30:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 1 }, '23:15', 'Pacific/Pago_Pago').toISOString()).toBe(
      '2026-03-02T10:15:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 1 }, '08:00', 'UTC').toISOString()).toBe(
      '2026-03-01T08:00:00.000Z',
    );
  });

  // Expected values are what PostgreSQL answers for `'<local>'::timestamp AT TIME ZONE '<zone>'`.
  it('resolves times skipped or repeated by DST as PostgreSQL does', () => {
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 29 }, '02:30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, '02:30', 'Europe/Berlin').toISOString()).toBe(
      '2026-10-25T01:30:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8 }, '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 11, day: 1 }, '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T06:30:00.000Z',
    );
  });

  it('knows offsets east and west of UTC', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Asia/Kolkata')).toBe(5.5 * 3600 * 1000);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'America/Los_Angeles')).toBe(-8 * 3600 * 1000);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays({ year: 2026, month: 12, day: 30 }, 5)).toEqual({ year: 2027, month: 1, day: 4 });
    expect(addDays({ year: 2028, month: 3, day: 1 }, -1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addDays({ year: 2027, month: 3, day: 1 }, -1)).toEqual({ year: 2027, month: 2, day: 28 });
  });
});
