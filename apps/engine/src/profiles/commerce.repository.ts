import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReorderClockFact } from '@beckon/triggers';
import { Product } from '@beckon/events';
import { DAY_MS } from '@beckon/rules';
import { productKey } from '../catalog/catalog-records';

export interface OrderRecord {
  orderId: string;
  customerId: string;
  cartId: string | null;
  total: number | null;
  currency: string | null;
  products: Product[];
  placedAt: Date;
}

/** A reorder clock (re)started by a purchase. */
/** A reorder clock a purchase started or restarted: what the consumable-reorder trigger reacts to. */
export type ReorderClockStart = ReorderClockFact;

export interface SubscriptionRecord {
  endpoint: string;
  customerId: string;
  p256dh: string;
  auth: string;
  expiresAt: Date | null;
}

/** Orders and push subscriptions: append-mostly records written once per batch. */
@Injectable()
export class CommerceRepository {
  /** Returns the orders that were new: an order id seen before (a resent event) counts once. */
  async insertOrders(tx: EntityManager, orders: readonly OrderRecord[]): Promise<OrderRecord[]> {
    if (orders.length === 0) return [];
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO orders (id, customer_id, cart_id, total, currency, products, placed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::jsonb[], $7::timestamptz[])
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        orders.map((o) => o.orderId),
        orders.map((o) => o.customerId),
        orders.map((o) => o.cartId),
        orders.map((o) => o.total),
        orders.map((o) => o.currency),
        orders.map((o) => JSON.stringify(o.products)),
        orders.map((o) => o.placedAt.toISOString()),
      ],
    );
    const inserted = new Set(rows.map((row) => row.id));
    return orders.filter((o) => inserted.has(o.orderId));
  }

  /**
   * Each product bought starts its reorder clock again; a purchase older than the clock's (an event
   * that arrived late) leaves it alone. Returns the clocks that moved.
   */
  async restartReorderClocks(tx: EntityManager, orders: readonly OrderRecord[]): Promise<ReorderClockStart[]> {
    const latest = new Map<string, ReorderClockStart & { line: Product }>();
    for (const order of orders) {
      for (const line of order.products) {
        const productId = productKey(line);
        if (productId === null) continue;
        const key = `${order.customerId}\u0000${productId}`;
        const known = latest.get(key);
        if (known !== undefined && known.orderedAt >= order.placedAt) continue;
        latest.set(key, {
          customerId: order.customerId,
          productId,
          orderId: order.orderId,
          orderedAt: order.placedAt,
          supplyDays: line.replenishment_days ?? null,
          line,
        });
      }
    }
    if (latest.size === 0) return [];
    const clocks = [...latest.values()].sort((a, b) =>
      a.customerId === b.customerId ? a.productId.localeCompare(b.productId) : a.customerId.localeCompare(b.customerId),
    );
    const rows: Array<{ customer_id: string; product_id: string }> = await tx.query(
      `INSERT INTO reorder_clocks AS c (customer_id, product_id, order_id, ordered_at, supply_days, runs_out_at, product)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::timestamptz[], $7::jsonb[])
       ON CONFLICT (customer_id, product_id) DO UPDATE SET
         order_id = EXCLUDED.order_id, ordered_at = EXCLUDED.ordered_at, supply_days = EXCLUDED.supply_days,
         runs_out_at = EXCLUDED.runs_out_at, product = EXCLUDED.product
       WHERE EXCLUDED.ordered_at > c.ordered_at
       RETURNING customer_id, product_id`,
      [
        clocks.map((c) => c.customerId),
        clocks.map((c) => c.productId),
        clocks.map((c) => c.orderId),
        clocks.map((c) => c.orderedAt.toISOString()),
        clocks.map((c) => c.supplyDays),
        clocks.map((c) =>
          c.supplyDays === null ? null : new Date(c.orderedAt.getTime() + c.supplyDays * DAY_MS).toISOString(),
        ),
        clocks.map((c) => JSON.stringify(c.line)),
      ],
    );
    const moved = new Set(rows.map((row) => `${row.customer_id}\u0000${row.product_id}`));
    return clocks
      .filter((c) => moved.has(`${c.customerId}\u0000${c.productId}`))
      .map(({ line: _line, ...clock }) => clock);
  }

  async upsertSubscriptions(tx: EntityManager, subscriptions: readonly SubscriptionRecord[]): Promise<void> {
    if (subscriptions.length === 0) return;
    await tx.query(
      `INSERT INTO push_subscriptions (endpoint, customer_id, p256dh, auth, expires_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       ON CONFLICT (endpoint) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
         expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [
        subscriptions.map((s) => s.endpoint),
        subscriptions.map((s) => s.customerId),
        subscriptions.map((s) => s.p256dh),
        subscriptions.map((s) => s.auth),
        subscriptions.map((s) => s.expiresAt?.toISOString() ?? null),
      ],
    );
  }

  async removeSubscriptions(tx: EntityManager, endpoints: readonly string[]): Promise<void> {
    if (endpoints.length === 0) return;
    await tx.query(`DELETE FROM push_subscriptions WHERE endpoint = ANY($1::text[])`, [endpoints]);
  }
}
