import { Channel } from '../rule.schema';
import { CapRule, capWindowLabel, CapWindow, parseCapWindow } from './caps.schema';
import { DAY_MS, startOfLocalDay } from './local-time';

/** A message that counts towards the customer's caps: on which channel, and when it was handed over. */
export interface CapEvent {
  channel: Channel;
  at: Date;
}

export type CapVerdict = { allowed: true } | { allowed: false; rule: CapRule; reason: string };

const HOUR_MS = 3_600_000;

/**
 * Where a cap's window begins. Hours roll (PT16H: the last sixteen hours). Days are the customer's
 * calendar days: P1D is today since local midnight, P7D is today and the six local days before it,
 * so "one push a day" means one per day the customer lives through, whatever their zone.
 */
export function capWindowStart(window: CapWindow, now: Date, timezone: string): Date {
  if (window.unit === 'hours') return new Date(now.getTime() - window.count * HOUR_MS);
  return startOfLocalDay(now, timezone, window.count - 1);
}

function inWindow(event: CapEvent, window: CapWindow, start: Date): boolean {
  // An hour window is half-open: a message sent exactly 16 h ago no longer holds the next one back.
  // A day window includes its first instant, local midnight. Events stamped after `now` (written by
  // another engine whose clock runs ahead) count too: they happened.
  return window.unit === 'hours' ? event.at.getTime() > start.getTime() : event.at.getTime() >= start.getTime();
}

/** The messages of `history` that count against `rule` at `now`. */
export function countedEvents(
  history: readonly CapEvent[],
  rule: CapRule,
  window: CapWindow,
  now: Date,
  timezone: string,
): CapEvent[] {
  const start = capWindowStart(window, now, timezone);
  return history.filter(
    (event) => (rule.channel === 'any' || event.channel === rule.channel) && inWindow(event, window, start),
  );
}

/**
 * Whether one more message on `channel` fits every cap, given what the customer already received.
 * When it does not, the first breached rule (in the marketer's order) is the reason:
 * `capped:<cap channel>:<window>`, e.g. `capped:email:16h` or `capped:any:7d`.
 */
export function capVerdict(
  history: readonly CapEvent[],
  caps: readonly CapRule[],
  channel: Channel,
  now: Date,
  timezone: string,
): CapVerdict {
  for (const rule of caps) {
    if (rule.channel !== channel && rule.channel !== 'any') continue;
    const window = parseCapWindow(rule.per);
    if (window === null) continue;
    if (countedEvents(history, rule, window, now, timezone).length >= rule.max) {
      return { allowed: false, rule, reason: `capped:${rule.channel}:${capWindowLabel(window)}` };
    }
  }
  return { allowed: true };
}

/**
 * How far back history must be read so that every cap can be judged in any zone: the longest window
 * plus a day, since a local day can start up to 26 hours before "now" in UTC terms.
 */
export function capHistoryHorizon(caps: readonly CapRule[], now: Date): Date {
  let longest = 0;
  for (const rule of caps) {
    const window = parseCapWindow(rule.per);
    if (window === null) continue;
    longest = Math.max(longest, window.unit === 'hours' ? window.count * HOUR_MS : window.count * DAY_MS);
  }
  return new Date(now.getTime() - longest - (longest > 0 ? DAY_MS + 2 * HOUR_MS : 0));
}
