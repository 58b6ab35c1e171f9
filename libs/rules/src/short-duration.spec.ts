import { shortDuration } from './short-duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('shortDuration', () => {
  it('reads minutes below an hour, rounded up', () => {
    expect(shortDuration(45 * MINUTE)).toBe('45m');
    expect(shortDuration(44 * MINUTE + SECOND)).toBe('45m');
    expect(shortDuration(59 * MINUTE)).toBe('59m');
  });

  it('never reads 0m for a wait that is not over', () => {
    expect(shortDuration(3 * SECOND)).toBe('1m');
    expect(shortDuration(1)).toBe('1m');
    expect(shortDuration(0)).toBe('1m');
  });

  it('reads hours from one hour to under two days, rounded up', () => {
    expect(shortDuration(59 * MINUTE + SECOND)).toBe('1h');
    expect(shortDuration(HOUR)).toBe('1h');
    expect(shortDuration(HOUR + MINUTE)).toBe('2h');
    expect(shortDuration(16 * HOUR - 1)).toBe('16h');
    expect(shortDuration(16 * HOUR)).toBe('16h');
    expect(shortDuration(30 * HOUR)).toBe('30h');
    expect(shortDuration(47 * HOUR)).toBe('47h');
  });

  it('reads days from two days on, rounded up', () => {
    expect(shortDuration(47 * HOUR + MINUTE)).toBe('2d');
    expect(shortDuration(2 * DAY)).toBe('2d');
    expect(shortDuration(6 * DAY + HOUR)).toBe('7d');
    expect(shortDuration(7 * DAY)).toBe('7d');
  });
});
