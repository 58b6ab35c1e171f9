import { firstInstantAtOrAfter, instantsOf, isTimeZone, startOfLocalDay, wallClock, zoneOffsetMs } from './local-time';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('local time', () => {
  it('reads the wall clock in Vladivostok, ten hours ahead of UTC, across the date line of midnight', () => {
    expect(wallClock(at('2026-01-15T14:30:00Z'), 'Asia/Vladivostok')).toEqual({
      year: 2026,
      month: 1,
      day: 16,
      hour: 0,
      minute: 30,
      second: 0,
    });
  });

  it('knows New York is five hours behind UTC in winter and four in summer', () => {
    expect(zoneOffsetMs(at('2026-01-15T12:00:00Z').getTime(), 'America/New_York')).toBe(-5 * HOUR);
    expect(zoneOffsetMs(at('2026-07-15T12:00:00Z').getTime(), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('finds no instant for a time clocks jump over, and two for a time they repeat', () => {
    expect(instantsOf({ year: 2026, month: 3, day: 8 }, 2 * 60 + 30, 'America/New_York')).toEqual([]);
    expect(instantsOf({ year: 2026, month: 11, day: 1 }, 60 + 30, 'America/New_York')).toEqual([
      at('2026-11-01T05:30:00Z'),
      at('2026-11-01T06:30:00Z'),
    ]);
    expect(instantsOf({ year: 2026, month: 1, day: 16 }, 9 * 60, 'Asia/Vladivostok')).toEqual([
      at('2026-01-15T23:00:00Z'),
    ]);
  });

  it('places a skipped time at the jump itself', () => {
    expect(firstInstantAtOrAfter({ year: 2026, month: 3, day: 8 }, 2 * 60 + 30, 'America/New_York')).toEqual(
      at('2026-03-08T07:00:00Z'),
    );
  });

  it('starts a local day at local midnight, also on the day clocks change', () => {
    expect(startOfLocalDay(at('2026-01-15T14:30:00Z'), 'Asia/Vladivostok')).toEqual(at('2026-01-15T14:00:00Z'));
    expect(startOfLocalDay(at('2026-01-15T13:59:59Z'), 'Asia/Vladivostok')).toEqual(at('2026-01-14T14:00:00Z'));
    expect(startOfLocalDay(at('2026-01-15T14:30:00Z'), 'Asia/Vladivostok', 6)).toEqual(at('2026-01-09T14:00:00Z'));
    // New York springs forward at 02:00 on 8 March 2026: that day began at midnight EST.
    expect(startOfLocalDay(at('2026-03-08T20:00:00Z'), 'America/New_York')).toEqual(at('2026-03-08T05:00:00Z'));
    expect(startOfLocalDay(at('2026-03-09T20:00:00Z'), 'America/New_York')).toEqual(at('2026-03-09T04:00:00Z'));
    // Santiago springs forward at midnight: 6 September 2026 begins at 01:00 -03.
    expect(startOfLocalDay(at('2026-09-06T15:00:00Z'), 'America/Santiago')).toEqual(at('2026-09-06T04:00:00Z'));
  });

  it('tells IANA zones from anything else', () => {
    expect(isTimeZone('Asia/Vladivostok')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
