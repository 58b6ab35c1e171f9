import { attributionWindows, attributionWindowsMs, longestAttributionWindowMs } from './attribution';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('attribution windows', () => {
  it('default to 5 days for email and 24 hours for web push', () => {
    expect(attributionWindows(undefined)).toEqual({ email: 'P5D', webpush: 'PT24H' });
    expect(attributionWindowsMs({})).toEqual({ email: 5 * DAY, webpush: DAY });
  });

  it('take a rule’s own window per channel and keep the default for the other', () => {
    expect(attributionWindowsMs({ webpush: 'PT2H' })).toEqual({ email: 5 * DAY, webpush: 2 * HOUR });
  });

  it('give the longest window of the rule for its holdout comparison', () => {
    expect(longestAttributionWindowMs(undefined)).toBe(5 * DAY);
    expect(longestAttributionWindowMs({ email: 'P1D', webpush: 'P2D' })).toBe(2 * DAY);
  });
});
