import { DAY_MS, DISPATCH_KEY, firstStepDelayMs, REORDER_OCCASION, ReorderParams, Rule } from '@beckon/rules';
import { MomentScan, ONE_INTERVAL_AHEAD, SCAN_PAGE, ScanCursor } from '../scan';

/**
 * Reorder clocks in order of when they come due. Clocks whose product said how long it lasts are
 * walked by runs_out_at (index reorder_clocks_dated), the others by purchase time, to which the
 * rule's defaultDays apply (index reorder_clocks_undated): two streams, two cursors.
 */
export const reorderScan: MomentScan = {
  ...ONE_INTERVAL_AHEAD,

  streams: () => ['dated', 'undated'],

  /** A reminder only helps before the product runs out; clocks that ran out already are skipped. */
  floor(rule: Rule, stream: string, now: Date): ScanCursor {
    const params = rule.params as ReorderParams;
    const ranOut = stream === 'dated' ? now.getTime() : now.getTime() - params.defaultDays * DAY_MS;
    return { at: new Date(ranOut), key: '0' };
  },

  async page(tx, rule, stream, cursor, tick) {
    const { horizon, correlationId } = tick;
    const params = rule.params as ReorderParams;
    const column = stream === 'dated' ? 'runs_out_at' : 'ordered_at';
    const filter = stream === 'dated' ? 'runs_out_at IS NOT NULL' : 'runs_out_at IS NULL';
    // due = column + offset
    const supply = stream === 'dated' ? 0 : params.defaultDays * DAY_MS;
    const offset = supply - params.leadDays * DAY_MS + firstStepDelayMs(rule);
    const [row]: Array<{ n: number; scheduled: number; at: Date; id: string }> = await tx.query(
      `WITH page AS (
         SELECT id, customer_id, product_id, order_id, ${column} AS at FROM reorder_clocks
         WHERE ${filter} AND (${column}, id) > (COALESCE($1::timestamptz, '-infinity'), $2::bigint) AND ${column} <= $3
         ORDER BY ${column}, id LIMIT $4
       ), scheduled AS (
         INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at, correlation_id)
         SELECT ${DISPATCH_KEY.sql({ ruleId: '$5::uuid', customerId: 'customer_id', occasion: 'occasion', step: '0' })},
                $5::uuid, customer_id, occasion, 0, 'scheduled', due_at, $7
         FROM (
           SELECT customer_id,
                  ${REORDER_OCCASION.sql({ productId: 'product_id', orderId: 'order_id' })} AS occasion,
                  at + $6::bigint * interval '1 millisecond' AS due_at
           FROM page
         ) p
         ON CONFLICT (dispatch_key) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM page)::int AS n, (SELECT count(*) FROM scheduled)::int AS scheduled,
              last.at, last.id
       FROM (SELECT at, id FROM page ORDER BY at DESC, id DESC LIMIT 1) last`,
      [
        cursor.at?.toISOString() ?? null,
        cursor.key === '' ? '0' : cursor.key,
        new Date(horizon.getTime() - offset).toISOString(),
        SCAN_PAGE,
        rule.id,
        offset,
        correlationId,
      ],
    );
    if (row === undefined) return { cursor, scheduled: 0, done: true };
    return { cursor: { at: row.at, key: String(row.id) }, scheduled: row.scheduled, done: row.n < SCAN_PAGE };
  },
};
