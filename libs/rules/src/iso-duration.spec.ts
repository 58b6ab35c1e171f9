import { addIsoDuration, isIsoDuration, parseIsoDuration } from './iso-duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseIsoDuration', () => {
  it.each([
    ['PT1H', HOUR],
    ['P1D', DAY],
    ['P1W', 7 * DAY],
    ['PT1H30M', HOUR + 30 * MINUTE],
    ['PT0.5S', 500],
    ['PT45S', 45 * SECOND],
    ['P2DT3H', 2 * DAY + 3 * HOUR],
    ['P1W2DT1H1M1S', 9 * DAY + HOUR + MINUTE + SECOND],
    ['PT0S', 0],
  ])('%s is %d ms', (value, expected) => {
    expect(parseIsoDuration(value)).toBe(expected);
  });

  it.each([
    ['P', 'no component at all'],
    ['PT', 'a time designator with nothing after it'],
    ['P1DT', 'a dangling time designator'],
    ['P1M', 'months have no fixed length'],
    ['P1Y', 'years have no fixed length'],
    ['1H', 'the P designator is missing'],
    ['PT1X', 'an unknown unit'],
    ['PT1D', 'days inside the time part'],
    ['P1H', 'hours outside the time part'],
    ['PT1M1H', 'units out of order'],
    ['-PT1H', 'a negative duration'],
    ['', 'the empty string'],
    [' PT1H', 'surrounding whitespace'],
  ])('rejects %j (%s)', (value) => {
    expect(parseIsoDuration(value)).toBeNull();
    expect(isIsoDuration(value)).toBe(false);
  });

  it('accepts what it parses', () => {
    expect(isIsoDuration('PT16H')).toBe(true);
  });
});

describe('addIsoDuration', () => {
  it('adds the duration to the given instant without mutating it', () => {
    const from = new Date('2025-03-01T10:00:00.000Z');
    const result = addIsoDuration(from, 'P1DT1H30M');
    expect(result.toISOString()).toBe('2025-03-02T11:30:00.000Z');
    expect(from.toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });

  it('counts days as 24 hours of elapsed time', () => {
    expect(addIsoDuration(new Date('2025-12-31T23:00:00.000Z'), 'P1W').toISOString()).toBe('2026-01-07T23:00:00.000Z');
  });

  it('throws on a value it cannot parse, naming it', () => {
    expect(() => addIsoDuration(new Date(0), 'P1M')).toThrow('not an ISO 8601 duration: P1M');
  });
});
