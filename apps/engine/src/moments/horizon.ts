import { DAY_MS } from '@beckon/rules';

export type ScannedTrigger = 'sleeping_customer' | 'birthday' | 'consumable_reorder';

/** Birthdays are scheduled whole UTC days ahead, so most scans find the window already covered. */
const BIRTHDAY_DAYS_AHEAD = 2;
/** Longer than any ingestion transaction: see eventSchedules. */
const EVENT_MARGIN_MS = 3600 * 1000;

/**
 * How far ahead of their due time the moment scanner schedules first steps: one scan interval, so a
 * step is in place when it comes due; birthdays up to the end of the day after tomorrow (UTC).
 */
export function scanHorizon(trigger: ScannedTrigger, now: Date, scanIntervalMs: number): Date {
  if (trigger === 'birthday') {
    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    return new Date(today + BIRTHDAY_DAYS_AHEAD * DAY_MS);
  }
  return new Date(now.getTime() + scanIntervalMs);
}

/**
 * Whether an event (an order, an identify) schedules a first step itself rather than leaving it to
 * the scanner: when it is due within the scanner's horizon (the scanner may have passed that point
 * already, or may scan before this transaction commits) plus a margin longer than the transaction.
 * Later moments stay in their indexed column until the scanner reaches them.
 */
export function eventSchedules(trigger: ScannedTrigger, dueAt: Date, now: Date, scanIntervalMs: number): boolean {
  const horizon = trigger === 'birthday' ? BIRTHDAY_DAYS_AHEAD * DAY_MS + scanIntervalMs : scanIntervalMs;
  return dueAt.getTime() <= now.getTime() + horizon + EVENT_MARGIN_MS;
}
