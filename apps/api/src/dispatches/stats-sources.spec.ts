import { statsSources } from './stats-sources';

const at = (iso: string) => new Date(iso);
const span = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('statsSources', () => {
  it('counts a range within two hours from the rows alone', () => {
    expect(statsSources(at('2026-11-23T10:17:00Z'), at('2026-11-23T11:30:00Z'), 'hour')).toEqual({
      days: null,
      hours: [],
      raw: [span('2026-11-23T10:17:00Z', '2026-11-23T11:30:00Z')],
    });
  });

  it('reads whole hours from the hourly counters and the partial hours at the ends from the rows', () => {
    expect(statsSources(at('2026-11-23T10:17:00Z'), at('2026-11-23T14:05:00Z'), 'hour')).toEqual({
      days: null,
      hours: [span('2026-11-23T11:00:00Z', '2026-11-23T14:00:00Z')],
      raw: [span('2026-11-23T10:17:00Z', '2026-11-23T11:00:00Z'), span('2026-11-23T14:00:00Z', '2026-11-23T14:05:00Z')],
    });
  });

  it('reads no rows when the range starts and ends on the hour', () => {
    expect(statsSources(at('2026-11-23T10:00:00Z'), at('2026-11-23T12:00:00Z'), 'hour').raw).toEqual([]);
  });

  it('reads whole days from the daily counters for a daily series, hours and rows around them', () => {
    expect(statsSources(at('2026-11-16T10:17:00Z'), at('2026-11-23T10:17:00Z'), 'day')).toEqual({
      days: span('2026-11-17T00:00:00Z', '2026-11-23T00:00:00Z'),
      hours: [
        span('2026-11-16T11:00:00Z', '2026-11-17T00:00:00Z'),
        span('2026-11-23T00:00:00Z', '2026-11-23T10:00:00Z'),
      ],
      raw: [span('2026-11-16T10:17:00Z', '2026-11-16T11:00:00Z'), span('2026-11-23T10:00:00Z', '2026-11-23T10:17:00Z')],
    });
  });

  it('keeps hourly counters for an hourly series however long the range', () => {
    const sources = statsSources(at('2026-11-16T00:00:00Z'), at('2026-11-23T00:00:00Z'), 'hour');
    expect(sources).toEqual({ days: null, hours: [span('2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z')], raw: [] });
  });

  it('uses hours only when no whole day fits', () => {
    expect(statsSources(at('2026-11-22T10:00:00Z'), at('2026-11-23T09:00:00Z'), 'day')).toEqual({
      days: null,
      hours: [span('2026-11-22T10:00:00Z', '2026-11-23T09:00:00Z')],
      raw: [],
    });
  });
});
