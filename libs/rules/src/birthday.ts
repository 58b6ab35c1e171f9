import { integerPart, occasionKey } from './occasion-key';
import { RuleParams } from './rule.schema';
import { addDays, CalendarDate } from './caps/local-time';
import { isLeapYear, parseLocalDate, utcDateOf, zonedTimeToInstant } from './zoned-time';

export type BirthdayParams = RuleParams<'birthday'>;

/** One greeting a year: the year celebrated is the episode. */
export const BIRTHDAY_OCCASION = occasionKey('birthday', { year: integerPart });

export const birthdayOccasion = (year: number): string => BIRTHDAY_OCCASION.of({ year });

export function birthdayYearOf(occasion: string): number | null {
  const year = BIRTHDAY_OCCASION.parse(occasion)?.year ?? null;
  return year !== null && year >= 1000 && year <= 9999 ? year : null;
}

/** The day a birthday is celebrated in a given year: 29 February falls on 28 February outside leap years. */
export function celebrationDate(birthday: string, year: number): CalendarDate {
  const { month, day } = parseLocalDate(birthday);
  if (month === 2 && day === 29 && !isLeapYear(year)) return { year, month: 2, day: 28 };
  return { year, month, day };
}

/** When the greeting for the birthday celebrated in `year` goes out: daysBefore days earlier at sendAt, local time. */
export function birthdaySendAt(birthday: string, year: number, params: BirthdayParams, zone: string): Date {
  const sendDate = addDays(celebrationDate(birthday, year), -params.daysBefore);
  return zonedTimeToInstant(sendDate, params.sendAt, zone);
}

export interface BirthdayStep {
  year: number;
  /** The send time plus the first step's delay. */
  dueAt: Date;
}

/** The first birthday whose first step comes due after `after`: one already passed moves to the next year. */
export function nextBirthdayStep(
  birthday: string,
  params: BirthdayParams,
  zone: string,
  firstDelayMs: number,
  after: Date,
): BirthdayStep {
  // A January birthday greeted days before is sent in the previous December, hence the year before.
  for (let year = after.getUTCFullYear() - 1; ; year++) {
    const dueAt = new Date(birthdaySendAt(birthday, year, params, zone).getTime() + firstDelayMs);
    if (dueAt > after) return { year, dueAt };
  }
}

/**
 * The greeting a birthday told us now should get: today's, even if its hour passed (up to a day late,
 * as the scanner allows; the scan may have gone by before we knew the birthday), else the next one.
 */
export function currentBirthdayStep(
  birthday: string,
  params: BirthdayParams,
  zone: string,
  firstDelayMs: number,
  now: Date,
): BirthdayStep {
  return nextBirthdayStep(birthday, params, zone, firstDelayMs, new Date(now.getTime() - BIRTHDAY_STALE_MS));
}

export interface BirthdayScanDay {
  /** The celebration date the scan computes send times for. */
  celebration: CalendarDate;
  /** Birthday month-days (month * 100 + day) celebrated on it: 229 joins 228 outside leap years. */
  monthDays: number[];
}

/**
 * The celebration dates whose first step may come due within (from, to], in any time zone: local
 * dates are never more than a day away from UTC dates, so one day of margin on each side suffices.
 */
export function birthdayScanDays(
  from: Date,
  to: Date,
  params: BirthdayParams,
  firstDelayMs: number,
): BirthdayScanDay[] {
  const first = addDays(utcDateOf(new Date(from.getTime() - firstDelayMs)), params.daysBefore - 1);
  const last = addDays(utcDateOf(new Date(to.getTime() - firstDelayMs)), params.daysBefore + 1);
  const days: BirthdayScanDay[] = [];
  for (let date = first; compare(date, last) <= 0; date = addDays(date, 1)) {
    const monthDays = [date.month * 100 + date.day];
    if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) monthDays.push(229);
    days.push({ celebration: date, monthDays });
  }
  return days;
}

function compare(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export type BirthdayVerdict =
  { kind: 'fire' } | { kind: 'wait'; until: Date } | { kind: 'end'; reason: 'no_birthday' | 'birthday_passed' };

/** A greeting that comes due more than this late (engine down, rule re-enabled) is no longer sent. */
export const BIRTHDAY_STALE_MS = 24 * 3600 * 1000;
/** Timer polls are not exact; a step due this soon is sent now rather than pushed back. */
const EARLY_TOLERANCE_MS = 60 * 1000;

/**
 * Checks a due first step against the customer's current profile: the birthday or time zone may have
 * changed since it was scheduled, so the send time is computed again.
 */
export function birthdayVerdict(
  birthday: string | null,
  year: number,
  params: BirthdayParams,
  zone: string,
  firstDelayMs: number,
  now: Date,
): BirthdayVerdict {
  if (birthday === null) return { kind: 'end', reason: 'no_birthday' };
  const dueAt = new Date(birthdaySendAt(birthday, year, params, zone).getTime() + firstDelayMs);
  if (dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { kind: 'wait', until: dueAt };
  if (now.getTime() - dueAt.getTime() > BIRTHDAY_STALE_MS) return { kind: 'end', reason: 'birthday_passed' };
  return { kind: 'fire' };
}
