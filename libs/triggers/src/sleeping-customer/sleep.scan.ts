import {
  asleepIfLastOrderBefore,
  DAY_MS,
  DISPATCH_KEY,
  firstStepDelayMs,
  Rule,
  SLEEP_OCCASION,
  SleepParams,
} from '@beckon/rules';
import { MomentScan, ONE_INTERVAL_AHEAD, SCAN_PAGE } from '../scan';

/**
 * Customers in order of their last order (index customers_last_order): everyone whose last order is
 * older than inactiveDays falls asleep. A rule created today walks the whole history once; after that
 * each scan reads only the customers who fell asleep since the last one. Customers over maxOrders are
 * stepped over for good: an order count never goes down, and a new order moves them past the cursor.
 */
export const sleepScan: MomentScan = {
  ...ONE_INTERVAL_AHEAD,

  streams: () => ['sleep'],

  floor: () => null,

  async page(tx, rule: Rule, _stream, cursor, tick) {
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
         SELECT ${DISPATCH_KEY.sql({ ruleId: '$5::uuid', customerId: 'id', occasion: 'occasion', step: '0' })},
                $5::uuid, id, occasion, 0, 'scheduled', due_at, $8
         FROM (
           SELECT id, ${SLEEP_OCCASION.sql({ lastOrderAt: 'last_order_at' })} AS occasion,
                  last_order_at + $6::bigint * interval '1 millisecond' AS due_at
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
  },
};
