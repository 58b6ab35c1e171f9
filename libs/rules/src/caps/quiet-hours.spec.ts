import { quietHoursEnd } from './quiet-hours';

const at = (iso: string) => new Date(iso);
const NIGHT = { start: '21:00', end: '09:00' };

describe('quietHoursEnd', () => {
  it('is null without quiet hours', () => {
    expect(quietHoursEnd(at('2026-01-15T23:00:00Z'), null, 'UTC')).toBeNull();
  });

  it('holds a message from the start of a window that crosses midnight until its end the next morning', () => {
    expect(quietHoursEnd(at('2026-01-15T20:59:59Z'), NIGHT, 'UTC')).toBeNull();
    expect(quietHoursEnd(at('2026-01-15T21:00:00Z'), NIGHT, 'UTC')).toEqual(at('2026-01-16T09:00:00Z'));
    expect(quietHoursEnd(at('2026-01-15T23:59:59Z'), NIGHT, 'UTC')).toEqual(at('2026-01-16T09:00:00Z'));
    expect(quietHoursEnd(at('2026-01-16T00:00:00Z'), NIGHT, 'UTC')).toEqual(at('2026-01-16T09:00:00Z'));
    expect(quietHoursEnd(at('2026-01-16T08:59:59Z'), NIGHT, 'UTC')).toEqual(at('2026-01-16T09:00:00Z'));
    expect(quietHoursEnd(at('2026-01-16T09:00:00Z'), NIGHT, 'UTC')).toBeNull();
  });

  it('reads the window on the customer’s clock: 22:00 in Vladivostok is noon in UTC', () => {
    expect(quietHoursEnd(at('2026-01-15T12:00:00Z'), NIGHT, 'Asia/Vladivostok')).toEqual(at('2026-01-15T23:00:00Z'));
    expect(quietHoursEnd(at('2026-01-15T12:00:00Z'), NIGHT, 'UTC')).toBeNull();
    expect(quietHoursEnd(at('2026-01-15T22:30:00Z'), NIGHT, 'Asia/Vladivostok')).toEqual(at('2026-01-15T23:00:00Z'));
  });

  it('handles a window within one day', () => {
    const siesta = { start: '13:00', end: '15:00' };
    expect(quietHoursEnd(at('2026-06-01T12:59:00Z'), siesta, 'UTC')).toBeNull();
    expect(quietHoursEnd(at('2026-06-01T13:00:00Z'), siesta, 'UTC')).toEqual(at('2026-06-01T15:00:00Z'));
    expect(quietHoursEnd(at('2026-06-01T15:00:00Z'), siesta, 'UTC')).toBeNull();
  });

  it('handles a window that ends exactly at midnight', () => {
    const evening = { start: '22:00', end: '00:00' };
    expect(quietHoursEnd(at('2026-06-01T23:00:00Z'), evening, 'UTC')).toEqual(at('2026-06-02T00:00:00Z'));
    expect(quietHoursEnd(at('2026-06-02T00:00:00Z'), evening, 'UTC')).toBeNull();
  });

  it('ends the night at 09:00 daylight time when New York springs forward during it', () => {
    // 22:00 EST on 7 March; clocks jump from 02:00 to 03:00 overnight; 09:00 EDT is 13:00 UTC.
    expect(quietHoursEnd(at('2026-03-08T03:00:00Z'), NIGHT, 'America/New_York')).toEqual(at('2026-03-08T13:00:00Z'));
    // And in autumn 09:00 EST is 14:00 UTC.
    expect(quietHoursEnd(at('2026-11-01T03:00:00Z'), NIGHT, 'America/New_York')).toEqual(at('2026-11-01T14:00:00Z'));
  });

  it('ends a window whose end time is skipped by the spring-forward jump at the jump', () => {
    const late = { start: '22:00', end: '02:30' };
    expect(quietHoursEnd(at('2026-03-08T06:30:00Z'), late, 'America/New_York')).toEqual(at('2026-03-08T07:00:00Z'));
  });

  it('ends a window whose end time repeats at the occurrence still ahead', () => {
    const small = { start: '00:00', end: '01:30' };
    // 01:10 daylight time, first pass through the repeated hour.
    expect(quietHoursEnd(at('2026-11-01T05:10:00Z'), small, 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z'));
    // 01:10 standard time, second pass: the clock reads inside the window again.
    expect(quietHoursEnd(at('2026-11-01T06:10:00Z'), small, 'America/New_York')).toEqual(at('2026-11-01T06:30:00Z'));
  });
});
