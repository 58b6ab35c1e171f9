import { Channel } from '../rule.schema';
import { CapRule, CapWindow, parseCapWindow } from './caps.schema';
import { CapEvent, capVerdict, countedEvents } from './cap-verdict';
import { isTimeZone, startOfLocalDay } from './local-time';

const HOUR_MS = 3_600_000;

/** A cap that holds a channel back: the reason a suppression names, and when the channel is free again. */
export interface CapHold {
  /** `capped:<cap channel>:<window>`, as capVerdict names the first breached cap. */
  reason: string;
  /** The first instant at which one more message fits every cap, if nothing else is sent meanwhile. */
  freesAt: Date;
}

/** Rules stored before caps existed have no `caps` at all: they are not exempt. */
export function isCapExempt(rule: { caps?: { exempt?: boolean } }): boolean {
  return rule.caps?.exempt === true;
}

/** The zone caps and quiet hours are read in: the customer's own when they told us a real one, else the default. */
export function capTimezone(customerTimezone: string | null, defaultTimezone: string): string {
  if (customerTimezone !== null && isTimeZone(customerTimezone)) return customerTimezone;
  return isTimeZone(defaultTimezone) ? defaultTimezone : 'UTC';
}

/** When a message stops counting against a window: it leaves a rolling hour window, or the local days move past it. */
function leavesWindowAt(event: CapEvent, window: CapWindow, timezone: string): Date {
  if (window.unit === 'hours') return new Date(event.at.getTime() + window.count * HOUR_MS);
  // A P7D window holds today and the six days before: a message stops counting at the local
  // midnight seven days after the start of its own day.
  return startOfLocalDay(event.at, timezone, -window.count);
}

/** When `rule` lets one more message through: once enough of the messages it counts have left its window. */
function ruleFreesAt(history: readonly CapEvent[], rule: CapRule, now: Date, timezone: string): Date | null {
  const window = parseCapWindow(rule.per);
  if (window === null) return null;
  const counted = countedEvents(history, rule, window, now, timezone);
  if (counted.length < rule.max) return null;
  const leaving = counted.map((event) => leavesWindowAt(event, window, timezone).getTime()).sort((a, b) => a - b);
  // Below the cap again when all but max - 1 of them have left: the (length - max + 1)-th to leave.
  return new Date(leaving[counted.length - rule.max]);
}

/**
 * The cap one more message on `channel` would break now, and when the channel is free again: the
 * latest of the breached caps' release times, since every one of them must let the message through.
 * Caps within their limit stay so as time passes (counts only fall), so only breached ones matter.
 */
export function capHold(
  history: readonly CapEvent[],
  caps: readonly CapRule[],
  channel: Channel,
  now: Date,
  timezone: string,
): CapHold | null {
  const verdict = capVerdict(history, caps, channel, now, timezone);
  if (verdict.allowed) return null;
  let freesAt = now.getTime();
  for (const rule of caps) {
    if (rule.channel !== channel && rule.channel !== 'any') continue;
    const at = ruleFreesAt(history, rule, now, timezone);
    if (at !== null) freesAt = Math.max(freesAt, at.getTime());
  }
  return { reason: verdict.reason, freesAt: new Date(freesAt) };
}
