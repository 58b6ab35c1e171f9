import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Product } from '@beckon/events';

export interface OrderRecord {
  orderId: string;
  customerId: string;
  cartId: string | null;
  total: number | null;
  currency: string | null;
  products: Product[];
  placedAt: Date;
}

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
  async insertOrders(tx: EntityManager, orders: readonly OrderRecord[]): Promise<void> {
    if (orders.length === 0) return;
    await tx.query(
      `INSERT INTO orders (id, customer_id, cart_id, total, currency, products, placed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::jsonb[], $7::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
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
