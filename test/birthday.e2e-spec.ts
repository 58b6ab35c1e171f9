import { MomentScanner } from '../apps/engine/src/moments/moment-scanner';
import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { addDays, birthdaySendAt, CalendarDate, formatLocalDate, Rule, wallClock } from '../libs/rules/src';
import { createRule, dispatchesOf, settle, Stack, startStack } from './support/stack';
import { eventually, identify } from './support/storefront';

const DAY = 24 * 3600 * 1000;

/** Today's date and time of day on the wall clocks of a zone. */
function localNow(zone: string): { date: CalendarDate; hhmm: string } {
  const { year, month, day, hour, minute } = wallClock(new Date(), zone);
  return { date: { year, month, day }, hhmm: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

const birthdayIn = (date: CalendarDate, bornIn: number) => formatLocalDate({ ...date, year: bornIn });

/**
 * Birthday on the real stack: the moment scanner computes each customer's send time in SQL in their
 * own time zone, which must be the instant birthdaySendAt() computes; the greeting goes out once.
 */
describe('birthday, end to end', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('birthday', { SCAN_INTERVAL_MS: '300' });
    // The shop's default zone, which quiet hours use too, is where customers without a zone are greeted.
    await stack.db.query(`UPDATE cap_settings SET default_timezone = 'Europe/Berlin'`);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('greets daysBefore days ahead at sendAt in the customer’s own time zone, once a year', async () => {
    // sendAt is this minute in Tokyo, so a Tokyo customer whose birthday is in two days is due right now:
    // told it just after the scanner went by, the identify itself schedules today's greeting.
    const tokyo = localNow('Asia/Tokyo');
    const params = { daysBefore: 2, sendAt: tokyo.hhmm };
    const rule = await createRule(stack, {
      name: 'Birthday',
      trigger: 'birthday',
      params,
      steps: [
        {
          after: 'PT0S',
          channels: ['email'],
          email: {
            subject: 'Happy birthday, {{ customer.first_name }}',
            text: 'You turn {{ birthday.age }} on {{ birthday.date }}.',
          },
        },
        { after: 'PT1S', channels: ['email'], email: { subject: 'Your birthday gift is waiting', text: 'x' } },
      ],
    });
    const bellaBirthday = birthdayIn(addDays(tokyo.date, 2), 1990);
    const bellaYear = addDays(tokyo.date, 2).year;
    // The scanner has been by: Bella's greeting, due this minute, is found because she tells us now.
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM moment_scans WHERE rule_id = $1`, [rule.id])).rowCount === 1,
    );

    // Two customers due later: one in New York (context.timezone), one in the default zone (Berlin).
    const later = (zone: string) => {
      for (let days = -1; days <= 4; days++) {
        const date = addDays(localNow(zone).date, days);
        const due = birthdaySendAt(birthdayIn(date, 1985), date.year, params, zone);
        const horizon = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;
        if (due.getTime() > Date.now() + 3600_000 && due.getTime() <= horizon)
          return { birthday: birthdayIn(date, 1985), due };
      }
      throw new Error(`no birthday due within the horizon in ${zone}`);
    };
    const ned = later('America/New_York');
    const dora = later('Europe/Berlin');

    await stack.produce([
      identify(
        { userId: 'bella' },
        { email: 'bella@example.com', first_name: 'Bella', birthday: bellaBirthday, timezone: 'Asia/Tokyo' },
      ),
      {
        ...identify({ userId: 'ned' }, { email: 'ned@example.com', birthday: ned.birthday }),
        context: { timezone: 'America/New_York' },
      },
      identify({ userId: 'dora' }, { email: 'dora@example.com', birthday: dora.birthday }),
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('bella@example.com'), 30000);
    expect(mail.subject).toBe('Happy birthday, Bella');
    expect(mail.text?.trim()).toBe(`You turn ${bellaYear - 1990} on ${formatLocalDate(addDays(tokyo.date, 2))}.`);

    await stack.smtp.waitFor((m) => m.subject === 'Your birthday gift is waiting', 30000);
    const rows = await eventually(async () => {
      const list = await dispatchesOf(stack, rule.id);
      return list.filter((d) => d.status === 'sent').length === 2 ? list : undefined;
    });
    expect(rows.filter((d) => d.customer_id === 'bella').map((d) => [d.occasion, d.step, d.status])).toEqual([
      [`birthday:${bellaYear}`, 0, 'sent'],
      [`birthday:${bellaYear}`, 1, 'sent'],
    ]);
    const byCustomer = new Map(rows.filter((d) => d.step === 0).map((d) => [d.customer_id, d]));
    // Greetings still ahead wait at their send time in the customer's zone, or the shop's default zone.
    expect(byCustomer.get('ned')).toMatchObject({ status: 'scheduled', due_at: ned.due });
    expect(byCustomer.get('dora')).toMatchObject({ status: 'scheduled', due_at: dora.due });

    // Scanning again and identifying again change nothing: once a year.
    await stack.engine.get(MomentScanner).scanAll();
    await stack.produce([identify({ userId: 'bella' }, { birthday: bellaBirthday })]);
    await settle();
    expect(await dispatchesOf(stack, rule.id)).toHaveLength(4);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('bella@example.com'))).toHaveLength(2);
  });

  it('scans send times in each customer’s zone, 29 February on 28 February in common years', async () => {
    // Disabled, so only the scans below (at chosen dates) touch it.
    const { id } = await createRule(stack, {
      name: 'Birthday, leap test',
      trigger: 'birthday',
      enabled: false,
      params: { daysBefore: 0, sendAt: '10:00' },
      steps: [{ after: 'PT0S', channels: ['email'], email: { subject: 'Happy birthday', text: 'x' } }],
    });
    await stack.produce([
      identify({ userId: 'leapling' }, { email: 'leap@example.com', birthday: '2000-02-29' }),
      identify({ userId: 'feb28' }, { email: 'feb28@example.com', birthday: '1995-02-28', timezone: 'Asia/Tokyo' }),
      {
        ...identify({ userId: 'mar1' }, { email: 'mar1@example.com', birthday: '1990-03-01' }),
        context: { timezone: 'America/New_York' },
      },
    ]);
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM customers WHERE id = 'mar1'`)).rowCount === 1);
    const cache = stack.engine.get(RuleCache);
    await cache.refreshIfChanged();
    const rule = (await cache.all()).get(id) as Rule;
    const scanner = stack.engine.get(MomentScanner);

    // Each scan covers up to the end of the day after tomorrow (UTC), in every zone.
    await scanner.scanRule(rule, new Date('2027-02-27T12:00:00Z'));
    await scanner.scanRule(rule, new Date('2028-02-28T12:00:00Z'));
    await scanner.scanRule(rule, new Date('2028-02-29T12:00:00Z'));

    const rows = (await dispatchesOf(stack, id)).map((d) => [d.customer_id, d.occasion, d.due_at?.toISOString()]);
    const sendAt = (birthday: string, year: number, zone: string) =>
      birthdaySendAt(birthday, year, rule.params as { daysBefore: number; sendAt: string }, zone).toISOString();
    expect(rows).toEqual([
      ['feb28', 'birthday:2027', sendAt('1995-02-28', 2027, 'Asia/Tokyo')],
      ['feb28', 'birthday:2028', sendAt('1995-02-28', 2028, 'Asia/Tokyo')],
      // The default zone is Berlin here (10:00 local is 09:00 UTC in winter).
      ['leapling', 'birthday:2027', '2027-02-28T09:00:00.000Z'],
      ['leapling', 'birthday:2028', '2028-02-29T09:00:00.000Z'],
      ['mar1', 'birthday:2028', sendAt('1990-03-01', 2028, 'America/New_York')],
    ]);
    expect(rows.at(-1)![2]).toBe('2028-03-01T15:00:00.000Z');
  });
});
