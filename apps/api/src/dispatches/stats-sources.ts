/** A half-open range of instants, [from, to). */
export interface Span {
  from: Date;
  to: Date;
}

/**
 * Where each part of a stats range is counted: whole UTC days from the daily counters, whole hours
 * from the hourly ones, and the partial hours at either end from the dispatch rows themselves, so the
 * answer is exact for any [since, until) while reading at most two hours of rows. Days are used only
 * for daily buckets (an hourly series needs hourly counters).
 */
export interface StatsSources {
  days: Span | null;
  hours: Span[];
  raw: Span[];
}

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

const floorTo = (at: Date, unit: number) => new Date(Math.floor(at.getTime() / unit) * unit);
const ceilTo = (at: Date, unit: number) => new Date(Math.ceil(at.getTime() / unit) * unit);
const spans = (...candidates: Span[]): Span[] => candidates.filter((span) => span.from < span.to);

export function statsSources(since: Date, until: Date, bucket: 'hour' | 'day'): StatsSources {
  const firstHour = ceilTo(since, HOUR_MS);
  const lastHour = floorTo(until, HOUR_MS);
  if (firstHour >= lastHour) return { days: null, hours: [], raw: spans({ from: since, to: until }) };
  const raw = spans({ from: since, to: firstHour }, { from: lastHour, to: until });
  const firstDay = ceilTo(firstHour, DAY_MS);
  const lastDay = floorTo(lastHour, DAY_MS);
  if (bucket === 'hour' || firstDay >= lastDay)
    return { days: null, hours: spans({ from: firstHour, to: lastHour }), raw };
  return {
    days: { from: firstDay, to: lastDay },
    hours: spans({ from: firstHour, to: firstDay }, { from: lastDay, to: lastHour }),
    raw,
  };
}
