import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  attributionModelOf,
  attributionWindowsMs,
  DEFAULT_ATTRIBUTION_WINDOWS,
  longestAttributionWindowMs,
  MAX_ATTRIBUTION_DAYS,
} from '@beckon/rules';
import { RuleCache } from '../rules/rule-cache';

export interface PlacedOrder {
  orderId: string;
  /** The profile that owns the order (anonymous visits merged into it are searched too). */
  customerId: string;
  total: number | null;
  currency: string | null;
  placedAt: Date;
}

/** The order batch as SQL rows, and every profile whose messages count for it: the owner and the visitors merged into it. */
const ORDERS = `
  orders_in AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::timestamptz[])
             AS o(order_id, customer_id, total, currency, placed_at)
  ), buyers AS (
    SELECT o.*, o.customer_id AS recipient FROM orders_in o
    UNION ALL
    SELECT o.*, c.id FROM orders_in o JOIN customers c ON c.merged_into = o.customer_id
  )`;

/**
 * Credits orders to the messages before them, in two statements per batch of new orders (an order
 * seen before, a redelivery, is neither; the primary keys make sure of it):
 * - conversions, last touch: the customer's latest message sent before the order and within that
 *   message's attribution window (its rule's window for its channel). A message of a `last_click`
 *   rule counts only if it was clicked before the order, and from its (first) click: an unclicked
 *   later step does not take the credit from the clicked one before it;
 * - sequence_orders, the holdout comparison: every first step of a sequence sent, or held out, within
 *   its rule's longest window before the order.
 */
@Injectable()
export class ConversionRepository {
  constructor(private readonly rules: RuleCache) {}

  async attribute(tx: EntityManager, orders: readonly PlacedOrder[]): Promise<number> {
    if (orders.length === 0) return 0;
    const windows: Record<string, Record<string, number>> = {};
    const longest: Record<string, number> = {};
    const byClick: Record<string, true> = {};
    for (const rule of (await this.rules.all(tx)).values()) {
      windows[rule.id] = attributionWindowsMs(rule.attributionWindows);
      longest[rule.id] = longestAttributionWindowMs(rule.attributionWindows);
      if (attributionModelOf(rule) === 'last_click') byClick[rule.id] = true;
    }
    const batch = [
      orders.map((o) => o.orderId),
      orders.map((o) => o.customerId),
      orders.map((o) => o.total),
      orders.map((o) => o.currency),
      orders.map((o) => o.placedAt.toISOString()),
      MAX_ATTRIBUTION_DAYS,
    ];
    // Rules deleted since their message went out keep the default windows.
    const defaults = attributionWindowsMs(DEFAULT_ATTRIBUTION_WINDOWS);
    const rows: Array<{ order_id: string }> = await tx.query(
      `WITH ${ORDERS}
       INSERT INTO conversions (order_id, dispatch_id, rule_id, step, channel, customer_id, revenue, currency,
                                placed_at, sent_at, dispatch_created_at)
       SELECT DISTINCT ON (b.order_id) b.order_id, d.id, d.rule_id, d.step, d.channel, b.customer_id, b.total,
              b.currency, b.placed_at, d.sent_at, d.created_at
         FROM buyers b
        CROSS JOIN LATERAL (
              SELECT d.id, d.rule_id, d.step, d.channel, d.sent_at, d.created_at,
                     CASE WHEN $9::jsonb ? d.rule_id::text THEN d.clicked_at ELSE d.sent_at END AS touched_at
                FROM dispatches d
               WHERE d.customer_id = b.recipient AND d.status = 'sent'
                 AND d.sent_at < b.placed_at
                 -- bounds the index range by the longest window any rule may have
                 AND d.sent_at >= b.placed_at - $6::int * interval '1 day'
                 AND d.sent_at >= b.placed_at - interval '1 millisecond' *
                     COALESCE(($7::jsonb -> d.rule_id::text ->> d.channel)::bigint, ($8::jsonb ->> d.channel)::bigint)
                 -- last_click rules: only messages clicked before the order
                 AND (NOT $9::jsonb ? d.rule_id::text OR d.clicked_at < b.placed_at)
               ORDER BY touched_at DESC
               LIMIT 1
        ) AS d
        ORDER BY b.order_id, d.touched_at DESC
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
      [...batch, JSON.stringify(windows), JSON.stringify(defaults), JSON.stringify(byClick)],
    );
    await tx.query(
      `WITH ${ORDERS}
       INSERT INTO sequence_orders (dispatch_id, order_id, rule_id, held_out, revenue, dispatch_created_at)
       SELECT d.id, b.order_id, d.rule_id, d.held_out, b.total, d.created_at
         FROM buyers b
        CROSS JOIN LATERAL (
              SELECT d.id, d.rule_id, false AS held_out, d.sent_at AS touched_at, d.created_at
                FROM dispatches d
               WHERE d.customer_id = b.recipient AND d.status = 'sent' AND d.step = 0
                 AND d.sent_at < b.placed_at AND d.sent_at >= b.placed_at - $6::int * interval '1 day'
              UNION ALL
              -- the moment a held-out customer would have been messaged: the decision, never updated after
              SELECT d.id, d.rule_id, true, d.updated_at, d.created_at
                FROM dispatches d
               WHERE d.customer_id = b.recipient AND d.status = 'holdout'
                 AND d.updated_at < b.placed_at AND d.updated_at >= b.placed_at - $6::int * interval '1 day'
        ) AS d
        WHERE d.touched_at >= b.placed_at - interval '1 millisecond' * COALESCE(($7::jsonb ->> d.rule_id::text)::bigint, $8::bigint)
       ON CONFLICT DO NOTHING`,
      [...batch, JSON.stringify(longest), Math.max(...Object.values(defaults))],
    );
    return rows.length;
  }
}
