/**
 * ISO 8601 durations limited to weeks, days, hours, minutes and seconds: months and years have no fixed
 * length, and a reminder delay that silently means 28 or 31 days would surprise the marketer.
 */
const PATTERN = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function parseIsoDuration(value: string): number | null {
  const match = PATTERN.exec(value);
  if (match === null) return null;
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (part: string | undefined): number => (part === undefined ? 0 : Number(part));
  return n(weeks) * 7 * DAY + n(days) * DAY + n(hours) * HOUR + n(minutes) * MINUTE + Math.round(n(seconds) * SECOND);
}

export function isIsoDuration(value: string): boolean {
  return parseIsoDuration(value) !== null;
}

export function addIsoDuration(from: Date, duration: string): Date {
  const ms = parseIsoDuration(duration);
  if (ms === null) throw new Error(`not an ISO 8601 duration: ${duration}`);
  return new Date(from.getTime() + ms);
}

/** How long after its trigger moment a rule's first step goes out. */
export function firstStepDelayMs(rule: { steps: ReadonlyArray<{ after: string }> }): number {
  return parseIsoDuration(rule.steps[0].after) ?? 0;
}
