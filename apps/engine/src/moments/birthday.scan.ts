import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  addDays,
  BIRTHDAY_STALE_MS,
  birthdayOccasion,
  BirthdayParams,
  birthdayScanDays,
  dispatchKeySql,
  firstStepDelayMs,
  formatLocalDate,
  Rule,
} from '@beckon/rules';
import { CapSettingsRepository } from '../capping/cap-settings.repository';
import { MomentScan, ScanCursor, ScanPage, ScanTick } from './moment-scan';

/**
 * Birthdays by month-day (index customers_birthday_md): each scan covers the send times between the
 * last scan's horizon and the new one, a day or two ahead, so most scans find the window covered and
 * do nothing; once a day each rule reads the customers celebrating around then. The send time is
 * computed in each customer's zone in SQL exactly as birthdaySendAt() does.
 */
@Injectable()
export class BirthdayScan implements MomentScan {
  readonly trigger = 'birthday' as const;

  constructor(private readonly capSettings: CapSettingsRepository) {}

  streams(): readonly string[] {
    return ['birthday'];
  }

  /** A greeting due long ago (engine down, rule disabled for a while) is not sent late. */
  floor(_rule: Rule, _stream: string, now: Date): ScanCursor {
    return { at: new Date(now.getTime() - BIRTHDAY_STALE_MS), key: '' };
  }

  async page(tx: EntityManager, rule: Rule, _stream: string, cursor: ScanCursor, tick: ScanTick): Promise<ScanPage> {
    const { horizon, correlationId } = tick;
    const from = cursor.at ?? horizon;
    if (from >= horizon) return { cursor, scheduled: 0, done: true };
    const params = rule.params as BirthdayParams;
    const delay = firstStepDelayMs(rule);
    // Customers who never said where they live are greeted in the shop's default zone.
    const defaultZone = (await this.capSettings.load(tx)).defaultTimezone;
    let scheduled = 0;
    for (const day of birthdayScanDays(from, horizon, params, delay)) {
      const sendDate = formatLocalDate(addDays(day.celebration, -params.daysBefore));
      const occasion = birthdayOccasion(day.celebration.year);
      const rows: unknown[] = await tx.query(
        `WITH zones AS MATERIALIZED (SELECT lower(name) AS name FROM pg_timezone_names)
         INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
         SELECT ${dispatchKeySql('$1::uuid::text', 'id', '$2::text', "'0'")}, $1::uuid, id, $2::text, 0, 'scheduled', due_at, $9
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
          occasion,
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
  }
}
