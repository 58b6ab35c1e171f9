import { CapRule } from './caps.schema';
import { capHold, capTimezone, isCapExempt } from './cap-hold';
import { CapEvent } from './cap-verdict';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const email = (when: string): CapEvent => ({ channel: 'email', at: at(when) });
const push = (when: string): CapEvent => ({ channel: 'webpush', at: at(when) });

const EMAIL_16H: CapRule = { channel: 'email', max: 1, per: 'PT16H' };
const PUSH_DAY: CapRule = { channel: 'webpush', max: 1, per: 'P1D' };
const ANY_WEEK: CapRule = { channel: 'any', max: 2, per: 'P7D' };

describe('capHold', () => {
  const now = at('2026-01-15T12:00:00Z');

  it('is null within caps', () => {
    expect(capHold([], [EMAIL_16H, PUSH_DAY], 'email', now, 'UTC')).toBeNull();
    expect(capHold([push('2026-01-15T11:00:00Z')], [EMAIL_16H], 'email', now, 'UTC')).toBeNull();
  });

  it('frees a rolling hour window when the message that fills it is 16 h old', () => {
    expect(capHold([email('2026-01-15T11:00:00Z')], [EMAIL_16H], 'email', now, 'UTC')).toEqual({
      reason: 'capped:email:16h',
      freesAt: at('2026-01-16T03:00:00Z'),
    });
  });

  it('waits for as many messages to leave as it takes to be under the cap again', () => {
    const twoPer16h: CapRule = { channel: 'email', max: 2, per: 'PT16H' };
    const sent = [email('2026-01-15T09:00:00Z'), email('2026-01-15T02:00:00Z')];
    // Two of two: one slot opens when the older of them leaves.
    expect(capHold(sent, [twoPer16h], 'email', now, 'UTC')?.freesAt).toEqual(at('2026-01-15T18:00:00Z'));
    // Three of two (the cap was lowered since): both older ones must leave.
    const three = [...sent, email('2026-01-15T11:00:00Z')];
    expect(capHold(three, [twoPer16h], 'email', now, 'UTC')?.freesAt).toEqual(at('2026-01-16T01:00:00Z'));
  });

  it('frees a day window at the customer’s next local midnight', () => {
    const late = push('2026-01-15T13:30:00Z'); // 23:30 on 15 January in Vladivostok (UTC+10)
    const hold = capHold([late], [PUSH_DAY], 'webpush', at('2026-01-15T13:40:00Z'), 'Asia/Vladivostok');
    expect(hold).toEqual({ reason: 'capped:webpush:1d', freesAt: at('2026-01-15T14:00:00Z') });
    // The same push read in UTC frees at UTC midnight.
    expect(capHold([late], [PUSH_DAY], 'webpush', at('2026-01-15T13:40:00Z'), 'UTC')?.freesAt).toEqual(
      at('2026-01-16T00:00:00Z'),
    );
  });

  it('waits for the last of several breached caps, and names the first as the reason', () => {
    const history = [push('2026-01-12T08:00:00Z'), email('2026-01-15T11:00:00Z')];
    const hold = capHold(history, [EMAIL_16H, ANY_WEEK], 'email', now, 'UTC');
    // The 16 h cap frees at 03:00 tomorrow; the weekly one only when the push of the 12th leaves, on the 19th.
    expect(hold).toEqual({ reason: 'capped:email:16h', freesAt: at('2026-01-19T00:00:00Z') });
    expect(hold!.freesAt.getTime() - now.getTime()).toBe(3.5 * 24 * HOUR);
  });

  it('ignores caps within their limit and caps of the other channel', () => {
    const history = [email('2026-01-15T11:00:00Z'), push('2026-01-15T10:00:00Z')];
    expect(capHold(history, [EMAIL_16H, PUSH_DAY, { ...ANY_WEEK, max: 5 }], 'email', now, 'UTC')?.freesAt).toEqual(
      at('2026-01-16T03:00:00Z'),
    );
  });
});

describe('capTimezone and isCapExempt', () => {
  it('reads caps in the customer’s real zone, else the default, else UTC', () => {
    expect(capTimezone('Asia/Tokyo', 'Europe/Berlin')).toBe('Asia/Tokyo');
    expect(capTimezone('Mars/Olympus', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(capTimezone(null, 'Nowhere/Else')).toBe('UTC');
  });

  it('exempts only rules that say so', () => {
    expect(isCapExempt({ caps: { exempt: true } })).toBe(true);
    expect(isCapExempt({ caps: { exempt: false } })).toBe(false);
    expect(isCapExempt({})).toBe(false);
  });
});
