import {
  birthdayScanDays,
  birthdaySendAt,
  birthdayVerdict,
  birthdayYearOf,
  celebrationDate,
  currentBirthdayStep,
  nextBirthdayStep,
} from './birthday';

const at = (iso: string) => new Date(iso);
const HOUR = 3600 * 1000;

describe('celebrationDate', () => {
  it('celebrates 29 February on 28 February outside leap years', () => {
    expect(celebrationDate('1992-02-29', 2027)).toEqual({ year: 2027, month: 2, day: 28 });
    expect(celebrationDate('1992-02-29', 2028)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(celebrationDate('1992-02-29', 2100)).toEqual({ year: 2100, month: 2, day: 28 });
    expect(celebrationDate('1990-05-17', 2027)).toEqual({ year: 2027, month: 5, day: 17 });
  });
});

describe('birthdaySendAt', () => {
  it('sends daysBefore days earlier at sendAt in the customer’s zone', () => {
    expect(birthdaySendAt('1990-05-17', 2027, { daysBefore: 2, sendAt: '09:00' }, 'Europe/Berlin').toISOString()).toBe(
      '2027-05-15T07:00:00.000Z',
    );
    expect(birthdaySendAt('1990-05-17', 2027, { daysBefore: 0, sendAt: '09:00' }, 'Asia/Tokyo').toISOString()).toBe(
      '2027-05-17T00:00:00.000Z',
    );
  });

  it('counts days before 29 February from 28 February in common years', () => {
    expect(birthdaySendAt('1992-02-29', 2027, { daysBefore: 1, sendAt: '10:00' }, 'UTC').toISOString()).toBe(
      '2027-02-27T10:00:00.000Z',
    );
    expect(birthdaySendAt('1992-02-29', 2028, { daysBefore: 0, sendAt: '10:00' }, 'UTC').toISOString()).toBe(
      '2028-02-29T10:00:00.000Z',
    );
  });

  it('sends a January birthday greeted days before in the previous December', () => {
    expect(birthdaySendAt('1990-01-02', 2027, { daysBefore: 5, sendAt: '10:00' }, 'UTC').toISOString()).toBe(
      '2026-12-28T10:00:00.000Z',
    );
  });
});

describe('nextBirthdayStep', () => {
  const params = { daysBefore: 0, sendAt: '10:00' };

  it('takes this year’s birthday while it is ahead', () => {
    expect(nextBirthdayStep('1990-05-17', params, 'UTC', 0, at('2026-05-17T09:59:00Z'))).toEqual({
      year: 2026,
      dueAt: at('2026-05-17T10:00:00Z'),
    });
  });

  it('moves to next year once this year’s send time passed', () => {
    expect(nextBirthdayStep('1990-05-17', params, 'UTC', 0, at('2026-05-17T10:00:00Z'))).toEqual({
      year: 2027,
      dueAt: at('2027-05-17T10:00:00Z'),
    });
  });

  it('adds the first step’s delay', () => {
    expect(nextBirthdayStep('1990-05-17', params, 'UTC', 2 * HOUR, at('2026-05-17T11:00:00Z')).dueAt).toEqual(
      at('2026-05-17T12:00:00Z'),
    );
  });

  it('finds a January birthday greeted in December of the year before', () => {
    expect(
      nextBirthdayStep('1990-01-02', { daysBefore: 5, sendAt: '10:00' }, 'UTC', 0, at('2026-12-01T00:00:00Z')),
    ).toEqual({ year: 2027, dueAt: at('2026-12-28T10:00:00Z') });
  });

  it('greets a 29 February child on 28 February in a common year', () => {
    expect(nextBirthdayStep('2000-02-29', params, 'Europe/Berlin', 0, at('2027-01-10T00:00:00Z'))).toEqual({
      year: 2027,
      dueAt: at('2027-02-28T09:00:00Z'),
    });
  });
});

describe('currentBirthdayStep', () => {
  const params = { daysBefore: 0, sendAt: '10:00' };

  it('keeps today’s greeting when its hour passed less than a day ago', () => {
    expect(currentBirthdayStep('1990-05-17', params, 'UTC', 0, at('2026-05-17T18:00:00Z'))).toEqual({
      year: 2026,
      dueAt: at('2026-05-17T10:00:00Z'),
    });
  });

  it('moves on to next year once the greeting is more than a day late', () => {
    expect(currentBirthdayStep('1990-05-17', params, 'UTC', 0, at('2026-05-18T10:00:01Z'))).toEqual({
      year: 2027,
      dueAt: at('2027-05-17T10:00:00Z'),
    });
  });
});

describe('birthdayScanDays', () => {
  it('covers a day of margin on either side for time zones', () => {
    const days = birthdayScanDays(at('2027-05-10T00:00:00Z'), at('2027-05-11T00:00:00Z'), params(0), 0);
    expect(days.map((d) => d.monthDays)).toEqual([[509], [510], [511], [512]]);
  });

  it('looks daysBefore ahead and back by the first step’s delay', () => {
    const days = birthdayScanDays(at('2027-05-10T00:00:00Z'), at('2027-05-10T12:00:00Z'), params(3), 24 * HOUR);
    expect(days.map((d) => d.monthDays)).toEqual([[511], [512], [513]]);
  });

  it('adds 29 February to 28 February in common years only', () => {
    const common = birthdayScanDays(at('2027-02-28T00:00:00Z'), at('2027-02-28T01:00:00Z'), params(0), 0);
    expect(common.map((d) => d.monthDays)).toEqual([[227], [228, 229], [301]]);
    const leap = birthdayScanDays(at('2028-02-28T00:00:00Z'), at('2028-02-28T01:00:00Z'), params(0), 0);
    expect(leap.map((d) => d.monthDays)).toEqual([[227], [228], [229]]);
  });

  function params(daysBefore: number) {
    return { daysBefore, sendAt: '10:00' };
  }
});

describe('birthdayVerdict', () => {
  const params = { daysBefore: 0, sendAt: '10:00' };
  const due = at('2027-05-17T10:00:00Z');

  it('fires at the send time', () => {
    expect(birthdayVerdict('1990-05-17', 2027, params, 'UTC', 0, due)).toEqual({ kind: 'fire' });
  });

  it('waits when the birthday or zone moved the send time later', () => {
    expect(birthdayVerdict('1990-05-17', 2027, params, 'America/New_York', 0, due)).toEqual({
      kind: 'wait',
      until: at('2027-05-17T14:00:00Z'),
    });
  });

  it('ends when the birthday is gone or long passed', () => {
    expect(birthdayVerdict(null, 2027, params, 'UTC', 0, due)).toEqual({ kind: 'end', reason: 'no_birthday' });
    expect(birthdayVerdict('1990-05-10', 2027, params, 'UTC', 0, due)).toEqual({
      kind: 'end',
      reason: 'birthday_passed',
    });
  });
});

describe('birthdayYearOf', () => {
  it('reads the year of a birthday occasion', () => {
    expect(birthdayYearOf('birthday:2027')).toBe(2027);
    expect(birthdayYearOf('cart:c1')).toBeNull();
  });
});
