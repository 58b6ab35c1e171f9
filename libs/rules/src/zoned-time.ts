import { CalendarDate, DAY_MS, instantsOf, zoneOffsetMs } from './caps/local-time';

/**
 * The instant a wall-clock time happens in a zone. Around DST changes it answers as PostgreSQL's
 * `timestamp AT TIME ZONE zone` does, so the scanner's SQL and this function always agree: a time
 * repeated when clocks go back is its later (standard-time) occurrence, a time skipped when they jump
 * is read with the offset before the jump.
 */
export function zonedTimeToInstant(date: CalendarDate, hhmm: string, zone: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number);
  const occurrences = instantsOf(date, hour * 60 + minute, zone);
  if (occurrences.length > 0) return occurrences[occurrences.length - 1];
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  return new Date(wall - zoneOffsetMs(wall - DAY_MS, zone));
}

export function utcDateOf(instant: Date): CalendarDate {
  return { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
}

export function formatLocalDate(date: CalendarDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function parseLocalDate(value: string): CalendarDate {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
