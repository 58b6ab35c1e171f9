import { CapRule } from './caps.schema';
import { CapEvent, capHistoryHorizon, capVerdict } from './cap-verdict';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const email = (when: Date): CapEvent => ({ channel: 'email', at: when });
const push = (when: Date): CapEvent => ({ channel: 'webpush', at: when });

const EMAIL_16H: CapRule = { channel: 'email', max: 1, per: 'PT16H' };
const EMAIL_WEEK: CapRule = { channel: 'email', max: 3, per: 'P7D' };
const PUSH_DAY: CapRule = { channel: 'webpush', max: 1, per: 'P1D' };
const ANY_WEEK: CapRule = { channel: 'any', max: 2, per: 'P7D' };

describe('capVerdict', () => {
  const now = at('2026-01-15T12:00:00Z');

  it('allows a message when nothing was sent', () => {
    expect(capVerdict([], [EMAIL_16H, PUSH_DAY], 'email', now, 'UTC')).toEqual({ allowed: true });
  });

  it('rolls an hour window: an email 15h59m ago blocks, one exactly 16 h ago no longer does', () => {
    expect(capVerdict([email(ago(now, 16 * HOUR - 60_000))], [EMAIL_16H], 'email', now, 'UTC')).toEqual({
      allowed: false,
      rule: EMAIL_16H,
      reason: 'capped:email:16h',
    });
    expect(capVerdict([email(ago(now, 16 * HOUR))], [EMAIL_16H], 'email', now, 'UTC')).toEqual({ allowed: true });
  });

  it('counts a day in the customer’s zone: a push at 23:30 in Vladivostok does not block one at 00:10', () => {
    const tenPastMidnight = at('2026-01-15T14:10:00Z'); // 00:10 on 16 January in Vladivostok
    const lateLastNight = at('2026-01-15T13:30:00Z'); // 23:30 on 15 January there
    expect(capVerdict([push(lateLastNight)], [PUSH_DAY], 'webpush', tenPastMidnight, 'Asia/Vladivostok')).toEqual({
      allowed: true,
    });
    // The same two instants are one UTC day, so a UTC customer is capped.
    expect(capVerdict([push(lateLastNight)], [PUSH_DAY], 'webpush', tenPastMidnight, 'UTC')).toMatchObject({
      allowed: false,
      reason: 'capped:webpush:1d',
    });
  });

  it('counts a push sent exactly at local midnight as today’s', () => {
    const midnight = at('2026-01-15T14:00:00Z');
    expect(
      capVerdict([push(midnight)], [PUSH_DAY], 'webpush', at('2026-01-15T20:00:00Z'), 'Asia/Vladivostok'),
    ).toMatchObject({ allowed: false });
    expect(
      capVerdict([push(ago(midnight, 1))], [PUSH_DAY], 'webpush', at('2026-01-15T20:00:00Z'), 'Asia/Vladivostok'),
    ).toEqual({ allowed: true });
  });

  it('starts the New York day at midnight EST on the day clocks spring forward', () => {
    const afternoon = at('2026-03-08T20:00:00Z'); // 16:00 EDT
    expect(
      capVerdict([push(at('2026-03-08T05:00:00Z'))], [PUSH_DAY], 'webpush', afternoon, 'America/New_York'),
    ).toMatchObject({
      allowed: false,
    });
    expect(
      capVerdict([push(at('2026-03-08T04:59:59Z'))], [PUSH_DAY], 'webpush', afternoon, 'America/New_York'),
    ).toEqual({
      allowed: true,
    });
  });

  it('counts a week as today and the six local days before it', () => {
    const tz = 'Asia/Vladivostok';
    const today = at('2026-01-15T20:00:00Z'); // 06:00 on 16 January there
    const sixDaysBackMidnight = at('2026-01-09T14:00:00Z'); // 00:00 on 10 January there
    const history = [email(sixDaysBackMidnight), email(at('2026-01-12T00:00:00Z')), email(at('2026-01-14T00:00:00Z'))];
    expect(capVerdict(history, [EMAIL_WEEK], 'email', today, tz)).toMatchObject({
      allowed: false,
      reason: 'capped:email:7d',
    });
    const oneSecondEarlier = [email(ago(sixDaysBackMidnight, 1000)), ...history.slice(1)];
    expect(capVerdict(oneSecondEarlier, [EMAIL_WEEK], 'email', today, tz)).toEqual({ allowed: true });
  });

  it('counts every channel for an `any` cap but only its own channel for the others', () => {
    const history = [email(ago(now, 20 * HOUR)), push(ago(now, 2 * HOUR))];
    expect(capVerdict(history, [EMAIL_16H, ANY_WEEK], 'email', now, 'UTC')).toMatchObject({
      allowed: false,
      reason: 'capped:any:7d',
    });
    expect(capVerdict([push(ago(now, HOUR))], [EMAIL_16H], 'email', now, 'UTC')).toEqual({ allowed: true });
    expect(capVerdict([email(ago(now, HOUR))], [PUSH_DAY], 'webpush', now, 'UTC')).toEqual({ allowed: true });
  });

  it('names the first breached cap in the marketer’s order', () => {
    const history = [email(ago(now, HOUR)), email(ago(now, 2 * HOUR)), email(ago(now, 3 * HOUR))];
    expect(capVerdict(history, [EMAIL_WEEK, EMAIL_16H], 'email', now, 'UTC')).toMatchObject({
      reason: 'capped:email:7d',
    });
    expect(capVerdict(history, [EMAIL_16H, EMAIL_WEEK], 'email', now, 'UTC')).toMatchObject({
      reason: 'capped:email:16h',
    });
  });

  it('allows up to max messages in the window', () => {
    const twoPerDay: CapRule = { channel: 'webpush', max: 2, per: 'PT24H' };
    expect(capVerdict([push(ago(now, HOUR))], [twoPerDay], 'webpush', now, 'UTC')).toEqual({ allowed: true });
    expect(capVerdict([push(ago(now, HOUR)), push(ago(now, 2 * HOUR))], [twoPerDay], 'webpush', now, 'UTC')).toEqual({
      allowed: false,
      rule: twoPerDay,
      reason: 'capped:webpush:24h',
    });
  });

  it('counts a message stamped slightly after now by another engine whose clock runs ahead', () => {
    expect(capVerdict([email(new Date(now.getTime() + 50))], [EMAIL_16H], 'email', now, 'UTC')).toMatchObject({
      allowed: false,
    });
  });

  it('labels weeks in days', () => {
    const weekly: CapRule = { channel: 'email', max: 1, per: 'P1W' };
    expect(capVerdict([email(ago(now, HOUR))], [weekly], 'email', now, 'UTC')).toMatchObject({
      reason: 'capped:email:7d',
    });
  });
});

describe('capHistoryHorizon', () => {
  it('reaches back past the longest window and one more local day', () => {
    const now = at('2026-01-15T12:00:00Z');
    const horizon = capHistoryHorizon([EMAIL_16H, EMAIL_WEEK], now);
    expect(horizon.getTime()).toBeLessThanOrEqual(now.getTime() - 8 * 24 * HOUR);
    expect(horizon.getTime()).toBeGreaterThan(now.getTime() - 9 * 24 * HOUR);
    expect(capHistoryHorizon([], now)).toEqual(now);
  });
});
