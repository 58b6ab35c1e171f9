import { CapEvent, CapSettings } from '@beckon/rules';
import { CapGate, PacedRule } from './cap-gate';

const NOON_UTC = new Date('2026-01-15T12:00:00.000Z');
const HOUR = 3_600_000;

const settings = (over: Partial<CapSettings> = {}): CapSettings => ({
  rules: [
    { channel: 'email', max: 1, per: 'PT16H' },
    { channel: 'any', max: 2, per: 'P7D' },
  ],
  quietHours: { start: '21:00', end: '09:00' },
  defaultTimezone: 'UTC',
  care: { window: 'P14D', signals: ['refund', 'complaint'] },
  ...over,
});

const capped: PacedRule = { caps: { exempt: false } };
const exempt: PacedRule = { caps: { exempt: true } };

function gate(history: Record<string, CapEvent[]> = {}, over: Partial<CapSettings> = {}, now = NOON_UTC): CapGate {
  return new CapGate(settings(over), new Map(Object.entries(history)), now);
}

describe('CapGate', () => {
  it('counts the earlier sends of its own batch', () => {
    const caps = gate();
    expect(caps.limitsFor(capped, 'u1', null).capReason('email')).toBeNull();
    expect(caps.record(capped, 'u1', 'email')).toEqual(NOON_UTC);
    expect(caps.limitsFor(capped, 'u1', null).capReason('email')).toBe('capped:email:16h');
    expect(caps.limitsFor(capped, 'u2', null).capReason('email')).toBeNull();
    caps.record(capped, 'u1', 'webpush');
    expect(caps.limitsFor(capped, 'u1', null).capReason('webpush')).toBe('capped:any:7d');
  });

  it('reads the history it was given', () => {
    const caps = gate({ u1: [{ channel: 'email', at: new Date(NOON_UTC.getTime() - HOUR) }] });
    expect(caps.limitsFor(capped, 'u1', null).capReason('email')).toBe('capped:email:16h');
    expect(caps.limitsFor(capped, 'u1', null).capReason('webpush')).toBeNull();
  });

  it('neither caps nor counts an exempt rule', () => {
    const caps = gate({ u1: [{ channel: 'email', at: new Date(NOON_UTC.getTime() - HOUR) }] });
    expect(caps.limitsFor(exempt, 'u1', null).capReason('email')).toBeNull();
    expect(caps.record(exempt, 'u1', 'webpush')).toBeNull();
    expect(caps.limitsFor(capped, 'u1', null).capReason('webpush')).toBeNull();
  });

  it('tells how long until a capped channel is free again, and nothing for a free or exempt one', () => {
    const caps = gate({ u1: [{ channel: 'email', at: new Date(NOON_UTC.getTime() - HOUR) }] });
    const limits = caps.limitsFor(capped, 'u1', null);
    expect(limits.capFreesInMs?.('email')).toBe(15 * HOUR);
    expect(limits.capFreesInMs?.('webpush')).toBeNull();
    expect(caps.limitsFor(exempt, 'u1', null).capFreesInMs?.('email')).toBeNull();
    caps.record(capped, 'u2', 'email');
    expect(caps.limitsFor(capped, 'u2', null).capFreesInMs?.('email')).toBe(16 * HOUR);
  });

  it('treats a rule stored before caps existed as capped', () => {
    const caps = gate({ u1: [{ channel: 'email', at: new Date(NOON_UTC.getTime() - HOUR) }] });
    expect(caps.limitsFor({} as PacedRule, 'u1', null).capReason('email')).toBe('capped:email:16h');
  });

  it('applies the global quiet hours in the customer’s zone, else in the default zone', () => {
    const caps = gate();
    // Noon in UTC is 22:00 in Vladivostok: quiet there until 09:00 local (23:00 UTC).
    expect(caps.limitsFor(capped, 'u1', 'Asia/Vladivostok').quietUntil).toEqual(new Date('2026-01-15T23:00:00.000Z'));
    expect(caps.limitsFor(capped, 'u1', null).quietUntil).toBeNull();
    expect(gate({}, { defaultTimezone: 'Asia/Vladivostok' }).limitsFor(capped, 'u1', null).quietUntil).not.toBeNull();
  });

  it('falls back to the default zone when the customer’s zone is not a real one', () => {
    const caps = gate({}, { defaultTimezone: 'Asia/Vladivostok' });
    expect(caps.timezoneOf('Mars/Olympus_Mons')).toBe('Asia/Vladivostok');
    expect(caps.timezoneOf('')).toBe('Asia/Vladivostok');
    expect(caps.timezoneOf('America/New_York')).toBe('America/New_York');
  });

  it('lets a rule override the quiet hours, or have none', () => {
    const caps = gate();
    const lunch: PacedRule = { ...capped, quietHours: { start: '11:00', end: '13:00' } };
    expect(caps.limitsFor(lunch, 'u1', null).quietUntil).toEqual(new Date('2026-01-15T13:00:00.000Z'));
    const anyHour: PacedRule = { ...capped, quietHours: null };
    expect(caps.limitsFor(anyHour, 'u1', 'Asia/Vladivostok').quietUntil).toBeNull();
  });

  it('has no quiet hours when they are switched off globally', () => {
    expect(gate({}, { quietHours: null }).limitsFor(capped, 'u1', 'Asia/Vladivostok').quietUntil).toBeNull();
  });
});

describe('CapGate and the care window', () => {
  const inCare = new Map([['u1', { until: new Date(NOON_UTC.getTime() + HOUR), signal: 'refund' as const }]]);
  const careGate = (over: Partial<CapSettings> = {}, now = NOON_UTC) =>
    new CapGate(settings(over), new Map(), now, inCare);

  it('holds back the steps of a customer in care with the signal as reason, others not', () => {
    expect(careGate().limitsFor(capped, 'u1', null).careReason).toBe('care:refund');
    expect(careGate().limitsFor(capped, 'u2', null).careReason).toBeNull();
    expect(gate().limitsFor(capped, 'u1', null).careReason).toBeNull();
  });

  it('lets exempt rules and care-exempt triggers through', () => {
    expect(careGate().limitsFor(exempt, 'u1', null).careReason).toBeNull();
    expect(careGate().limitsFor(capped, 'u1', null, { careExempt: true }).careReason).toBeNull();
    expect(careGate().limitsFor(capped, 'u1', null, {}).careReason).toBe('care:refund');
  });

  it('holds nothing back once the window ended or the signal is turned off', () => {
    expect(careGate({}, new Date(NOON_UTC.getTime() + HOUR)).limitsFor(capped, 'u1', null).careReason).toBeNull();
    const off = careGate({ care: { window: 'P14D', signals: [] } });
    expect(off.limitsFor(capped, 'u1', null).careReason).toBeNull();
  });
});
