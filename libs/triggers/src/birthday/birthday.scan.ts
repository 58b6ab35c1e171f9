import {
  addDays,
  BIRTHDAY_OCCASION,
  BIRTHDAY_STALE_MS,
  BirthdayParams,
  birthdayScanDays,
  DAY_MS,
  DISPATCH_KEY,
  firstStepDelayMs,
  formatLocalDate,
} from '@beckon/rules';
import { MomentScan, ScanCursor } from '../scan';

/** Birthdays are scheduled whole UTC days ahead, so most scans find the window already covered. */
const BIRTHDAY_DAYS_AHEAD = 2;

/**
 * Birthdays by month-day (index customers_birthday_md): each scan covers the send times between the
 * last scan's horizon and the new one, a day or two ahead, so most scans find the window covered and
 * do nothing; once a day each rule reads the customers celebrating around then. The send time is
 * computed in each customer's zone in SQL exactly as birthdaySendAt() does.
 */
export const birthdayScan: MomentScan = {
  streams: () => ['birthday'],

  /** Up to the end of the day after tomorrow (UTC). */
  horizon(now) {
    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    return new Date(today + BIRTHDAY_DAYS_AHEAD * DAY_MS);
  },

  maxLeadMs: (scanIntervalMs) => BIRTHDAY_DAYS_AHEAD * DAY_MS + scanIntervalMs,

  /** A greeting due long ago (engine down, rule disabled for a while) is not sent late. */
  floor(_rule, _stream, now): ScanCursor {
    return { at: new Date(now.getTime() - BIRTHDAY_STALE_MS), key: '' };
  },

  async page(tx, rule, _stream, cursor, tick, ports) {
    const { horizon, correlationId } = tick;
    const from = cursor.at ?? horizon;
    if (from >= horizon) return { cursor, scheduled: 0, done: true };
    const params = rule.params as BirthdayParams;
    const delay = firstStepDelayMs(rule);
    // Customers who never said where they live are greeted in the shop's default zone.
    const defaultZone = await ports.defaultTimezone(tx);
    let scheduled = 0;
    for (const day of birthdayScanDays(from, horizon, params, delay)) {
      const sendDate = formatLocalDate(addDays(day.celebration, -params.daysBefore));
      const rows: unknown[] = await tx.query(
        `WITH zones AS MATERIALIZED (SELECT lower(name) AS name FROM pg_timezone_names)
         INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
         SELECT ${DISPATCH_KEY.sql({ ruleId: '$1::uuid', customerId: 'id', occasion: '$2::text', step: '0' })},
                $1::uuid, id, $2::text, 0, 'scheduled', due_at, $9
         FROM (
           SELECT id, ($3::timestamp AT TIME ZONE zone) + $4::bigint * interval '1 millisecond' AS due_at
           FROM (
             SELECT id, CASE WHEN lower(timezone) IN (SELECT name FROM zones) THEN timezone ELSE $5 END AS zone
             FROM customers WHERE birthday_md = ANY($6::smallint[]) AND birthday IS NOT NULL AND merged_into IS NULL
           ) c
         ) d
         WHERE due_at > $7 AND due_at <= $8
         ON CONFLICT (dispatch_key) DO NOTHING
         RETURNING 1`,
        [
          rule.id,
          BIRTHDAY_OCCASION.of({ year: day.celebration.year }),
          `${sendDate} ${params.sendAt}`,
          delay,
          defaultZone,
          day.monthDays,
          from.toISOString(),
          horizon.toISOString(),
          correlationId,
        ],
      );
      scheduled += rows.length;
    }
    return { cursor: { at: horizon, key: '' }, scheduled, done: true };
  },
};
