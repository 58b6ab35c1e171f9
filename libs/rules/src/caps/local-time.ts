/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl: caps count "days" and quiet hours
 * are read on the customer's own clock, DST changes included.
 */

/** A calendar date without a zone; months are 1-12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const MINUTE = 60_000;
export const DAY_MS = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

// Building a formatter costs far more than using one; a process sees few distinct zones.
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function isTimeZone(zone: string): boolean {
  if (zone.length === 0) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export function wallClock(instant: Date | number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The zone's offset from UTC at an instant, east positive, in milliseconds. */
export function zoneOffsetMs(instant: number, zone: string): number {
  const c = wallClock(instant, zone);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(instant / 1000) * 1000;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/**
 * The instants at which the zone's clocks show this wall time: usually one, two in the hour repeated
 * when clocks go back, none when clocks jump over it. Zones change offset at most a few times a year,
 * so the offsets a day either side are the only candidates.
 */
export function instantsOf(date: CalendarDate, minuteOfDay: number, zone: string): Date[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const offsets = new Set([zoneOffsetMs(wall - DAY_MS, zone), zoneOffsetMs(wall + DAY_MS, zone)]);
  return [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => zoneOffsetMs(instant, zone) === wall - instant)
    .sort((a, b) => a - b)
    .map((instant) => new Date(instant));
}

/**
 * The first instant at which the local clock shows this time or a later one on that date: the time
 * itself, its earlier occurrence when clocks go back, or the moment clocks jump over it.
 */
export function firstInstantAtOrAfter(date: CalendarDate, minuteOfDay: number, zone: string): Date {
  const exact = instantsOf(date, minuteOfDay, zone);
  if (exact.length > 0) return exact[0];
  // In a gap: the clock jumps at some instant between the two offsets' readings; find it to the second.
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  let low = wall - zoneOffsetMs(wall + DAY_MS, zone); // still before the jump
  let high = wall - zoneOffsetMs(wall - DAY_MS, zone); // already after it
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (localMs(middle, zone) >= wall) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** The wall-clock reading of an instant, as milliseconds since 1970 on a clock with no zone. */
function localMs(instant: number, zone: string): number {
  return instant + zoneOffsetMs(instant, zone);
}

/** When the local calendar day that is `daysBack` days before the one containing `instant` began. */
export function startOfLocalDay(instant: Date, zone: string, daysBack = 0): Date {
  return firstInstantAtOrAfter(addDays(wallClock(instant, zone), -daysBack), 0, zone);
}
