import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { attributionWindowsMs, DEFAULT_ATTRIBUTION_WINDOWS, MAX_ATTRIBUTION_DAYS } from '@beckon/rules';
import { RuleCache } from '../rules/rule-cache';

export interface PlacedOrder {
  orderId: string;
  /** The profile that owns the order (anonymous visits merged into it are searched too). */
  customerId: string;
  total: number | null;
  currency: string | null;
  placedAt: Date;
}

/**
 * Last-touch attribution: an order belongs to the customer's latest sent message that went out
 * before it and within that message's attribution window (its rule's window for its channel).
 */
@Injectable()
export class ConversionRepository {
  constructor(private readonly rules: RuleCache) {}

  /** One statement for the batch's new orders; an order attributed before (a redelivery) is left alone. */
  async attribute(tx: EntityManager, orders: readonly PlacedOrder[]): Promise<number> {
    if (orders.length === 0) return 0;
    const windows: Record<string, Record<string, number>> = {};
    for (const rule of (await this.rules.all()).values()) {
      windows[rule.id] = attributionWindowsMs(rule.attributionWindows);
    }
    const rows: Array<{ order_id: string }> = await tx.query(
      `INSERT INTO conversions (order_id, dispatch_id, rule_id, step, channel, customer_id, revenue, currency,
                                placed_at, sent_at, dispatch_created_at)
       SELECT DISTINCT ON (o.order_id) o.order_id, d.id, d.rule_id, d.step, d.channel, o.customer_id, o.total,
              o.currency, o.placed_at, d.sent_at, d.created_at
         FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::timestamptz[])
              AS o(order_id, customer_id, total, currency, placed_at)
        CROSS JOIN LATERAL (
              SELECT o.customer_id AS id
              UNION ALL
              -- messages a visitor got before signing in belong to the user they merged into
              SELECT c.id FROM customers c WHERE c.merged_into = o.customer_id
        ) AS who
        CROSS JOIN LATERAL (
              SELECT d.id, d.rule_id, d.step, d.channel, d.sent_at, d.created_at
                FROM dispatches d
               WHERE d.customer_id = who.id AND d.status = 'sent'
                 AND d.sent_at < o.placed_at
                 -- bounds the index range by the longest window any rule may have
                 AND d.sent_at >= o.placed_at - $8::int * interval '1 day'
                 AND d.sent_at >= o.placed_at - interval '1 millisecond' *
                     COALESCE(($6::jsonb -> d.rule_id::text ->> d.channel)::bigint, ($7::jsonb ->> d.channel)::bigint)
               ORDER BY d.sent_at DESC
               LIMIT 1
        ) AS d
        ORDER BY o.order_id, d.sent_at DESC
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
      [
        orders.map((o) => o.orderId),
        orders.map((o) => o.customerId),
        orders.map((o) => o.total),
        orders.map((o) => o.currency),
        orders.map((o) => o.placedAt.toISOString()),
        JSON.stringify(windows),
        // Rules deleted since their message went out still get the default windows.
        JSON.stringify(attributionWindowsMs(DEFAULT_ATTRIBUTION_WINDOWS)),
        MAX_ATTRIBUTION_DAYS,
      ],
    );
    return rows.length;
  }
}
