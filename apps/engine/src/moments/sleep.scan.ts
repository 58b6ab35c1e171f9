import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { asleepIfLastOrderBefore, DAY_MS, dispatchKeySql, firstStepDelayMs, Rule, SleepParams } from '@beckon/rules';
import { MomentScan, SCAN_PAGE, ScanCursor, ScanPage, ScanTick } from './moment-scan';

/** `sleep:<last order ISO>` in SQL, exactly as sleepOccasion() writes it. */
const OCCASION = `'sleep:' || to_char(last_order_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Customers in order of their last order (index customers_last_order): everyone whose last order is
 * older than inactiveDays falls asleep. A rule created today walks the whole history once; after that
 * each scan reads only the customers who fell asleep since the last one. Customers over maxOrders are
 * stepped over for good: an order count never goes down, and a new order moves them past the cursor.
 */
@Injectable()
export class SleepScan implements MomentScan {
  readonly trigger = 'sleeping_customer' as const;

  streams(): readonly string[] {
    return ['sleep'];
  }

  floor(): ScanCursor | null {
    return null;
  }

  async page(tx: EntityManager, rule: Rule, _stream: string, cursor: ScanCursor, tick: ScanTick): Promise<ScanPage> {
    const { horizon, correlationId } = tick;
    const params = rule.params as SleepParams;
    const delay = firstStepDelayMs(rule);
    const [row]: Array<{ n: number; scheduled: number; at: Date; id: string }> = await tx.query(
      `WITH page AS (
         SELECT id, last_order_at, order_count FROM customers
         WHERE last_order_at IS NOT NULL AND merged_into IS NULL
           AND (last_order_at, id) > (COALESCE($1::timestamptz, '-infinity'), $2::text) AND last_order_at <= $3
           AND ($7::int IS NULL OR order_count <= $7::int)
         ORDER BY last_order_at, id LIMIT $4
       ), scheduled AS (
         INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
         SELECT ${dispatchKeySql('$5::uuid::text', 'id', 'occasion', "'0'")}, $5::uuid, id, occasion, 0, 'scheduled', due_at, $8
         FROM (
           SELECT id, ${OCCASION} AS occasion, last_order_at + $6::bigint * interval '1 millisecond' AS due_at
           FROM page
         ) p
         ON CONFLICT (dispatch_key) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM page)::int AS n, (SELECT count(*) FROM scheduled)::int AS scheduled,
              last.last_order_at AS at, last.id
       FROM (SELECT last_order_at, id FROM page ORDER BY last_order_at DESC, id DESC LIMIT 1) last`,
      [
        cursor.at?.toISOString() ?? null,
        cursor.key,
        asleepIfLastOrderBefore(horizon, params, delay).toISOString(),
        SCAN_PAGE,
        rule.id,
        params.inactiveDays * DAY_MS + delay,
        params.maxOrders ?? null,
        correlationId,
      ],
    );
    if (row === undefined) return { cursor, scheduled: 0, done: true };
    return { cursor: { at: row.at, key: row.id }, scheduled: row.scheduled, done: row.n < SCAN_PAGE };
  }
}
