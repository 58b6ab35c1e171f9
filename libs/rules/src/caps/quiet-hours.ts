import { QuietHours } from './caps.schema';
import { addDays, firstInstantAtOrAfter, instantsOf, wallClock } from './local-time';

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Null when `now` is outside the quiet hours on the customer's clock; otherwise the instant the
 * window ends, when a held message may go. `start` is inside the window and `end` is not; a window
 * whose start is later than its end crosses midnight (21:00-09:00).
 */
export function quietHoursEnd(now: Date, quietHours: QuietHours | null, timezone: string): Date | null {
  if (quietHours === null) return null;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const clock = wallClock(now, timezone);
  const minute = clock.hour * 60 + clock.minute + clock.second / 60;

  let endDay: number;
  if (start < end) {
    if (minute < start || minute >= end) return null;
    endDay = 0;
  } else if (minute >= start) {
    endDay = 1; // evening part: the window ends tomorrow morning
  } else if (minute < end) {
    endDay = 0; // early-morning part: it ends this morning
  } else {
    return null;
  }

  const date = addDays(clock, endDay);
  // When clocks go back the end time happens twice; the window ends at the first of them still ahead.
  const ahead = instantsOf(date, end, timezone).find((instant) => instant.getTime() > now.getTime());
  if (ahead !== undefined) return ahead;
  // When clocks jump over the end time, the window ends with the jump.
  const jump = firstInstantAtOrAfter(date, end, timezone);
  return jump.getTime() > now.getTime() ? jump : null;
}
