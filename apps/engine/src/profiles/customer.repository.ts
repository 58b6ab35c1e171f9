import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrderHistoryFact } from '@beckon/triggers';
import { Traits } from '@beckon/events';
import { rowsOf } from '@beckon/persistence';

export type OrderHistoryChange = OrderHistoryFact;

export interface CustomerUpsert {
  id: string;
  traits: Traits;
  extraTraits: Record<string, unknown>;
  timezone: string | null;
  locale: string | null;
  lastSeenAt: Date;
  /** The traits came only from write-key identifies: stored only on a profile that has none yet. */
  traitsUntrusted?: boolean;
}

/**
 * A profile is known once any contact or profile field is, or it has ordered (the shop knows that
 * customer even if it never sent an identify): a write key may not change those.
 */
const PROFILE_IS_EMPTY = `customers.email IS NULL AND customers.first_name IS NULL AND customers.last_name IS NULL
  AND customers.birthday IS NULL AND customers.traits = '{}'::jsonb AND customers.order_count = 0`;
const fillIfEmpty = (column: string) =>
  `${column} = CASE WHEN ${PROFILE_IS_EMPTY} THEN COALESCE(EXCLUDED.${column}, customers.${column}) ELSE customers.${column} END`;

@Injectable()
export class CustomerRepository {
  async mergedAliases(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; merged_into: string }> = await tx.query(
      `SELECT id, merged_into FROM customers WHERE id = ANY($1::text[]) AND merged_into IS NOT NULL`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.merged_into]));
  }

  /** One row per customer (callers aggregate first): ON CONFLICT cannot touch a row twice in one statement. */
  async upsert(tx: EntityManager, customers: readonly CustomerUpsert[]): Promise<void> {
    const trusted = customers.filter((c) => c.traitsUntrusted !== true);
    const untrusted = customers.filter((c) => c.traitsUntrusted === true);
    if (trusted.length > 0) {
      await this.insertOrUpdate(
        tx,
        trusted,
        `email = COALESCE(EXCLUDED.email, customers.email),
         -- A new address earns a new chance; the same one (or none) keeps its hard bounce.
         email_undeliverable_at = CASE WHEN EXCLUDED.email IS DISTINCT FROM customers.email AND EXCLUDED.email IS NOT NULL
           THEN NULL ELSE customers.email_undeliverable_at END,
         email_undeliverable_reason = CASE WHEN EXCLUDED.email IS DISTINCT FROM customers.email AND EXCLUDED.email IS NOT NULL
           THEN NULL ELSE customers.email_undeliverable_reason END,
         first_name = COALESCE(EXCLUDED.first_name, customers.first_name),
         last_name = COALESCE(EXCLUDED.last_name, customers.last_name),
         birthday = COALESCE(EXCLUDED.birthday, customers.birthday),
         traits = customers.traits || EXCLUDED.traits,`,
      );
    }
    if (untrusted.length > 0) {
      // All columns are judged on the row as it was (PostgreSQL evaluates SET against the old row).
      await this.insertOrUpdate(
        tx,
        untrusted,
        `${['email', 'first_name', 'last_name', 'birthday'].map(fillIfEmpty).join(',\n         ')},
         traits = CASE WHEN ${PROFILE_IS_EMPTY} THEN EXCLUDED.traits ELSE customers.traits END,`,
      );
    }
  }

  private async insertOrUpdate(
    tx: EntityManager,
    customers: readonly CustomerUpsert[],
    setTraits: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO customers (id, email, first_name, last_name, birthday, timezone, locale, traits, last_seen_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET
         ${setTraits}
         timezone = COALESCE(EXCLUDED.timezone, customers.timezone),
         locale = COALESCE(EXCLUDED.locale, customers.locale),
         last_seen_at = GREATEST(customers.last_seen_at, EXCLUDED.last_seen_at),
         updated_at = now()`,
      [
        customers.map((c) => c.id),
        customers.map((c) => c.traits.email?.toLowerCase() ?? null),
        customers.map((c) => c.traits.first_name ?? null),
        customers.map((c) => c.traits.last_name ?? null),
        customers.map((c) => c.traits.birthday ?? null),
        customers.map((c) => c.traits.timezone ?? c.timezone),
        customers.map((c) => c.traits.locale ?? c.locale),
        customers.map((c) => JSON.stringify(c.extraTraits)),
        customers.map((c) => c.lastSeenAt.toISOString()),
      ],
    );
  }

  /**
   * Counts new orders and keeps the latest order time, from the events' own timestamps: an order
   * stamped 100 days ago is 100 days old, whenever it arrives.
   */
  async recordOrders(
    tx: EntityManager,
    orders: ReadonlyArray<{ customerId: string; placedAt: Date }>,
  ): Promise<OrderHistoryChange[]> {
    const perCustomer = new Map<string, { last: Date; count: number }>();
    for (const order of orders) {
      const known = perCustomer.get(order.customerId);
      if (known === undefined) perCustomer.set(order.customerId, { last: order.placedAt, count: 1 });
      else {
        known.count += 1;
        if (order.placedAt > known.last) known.last = order.placedAt;
      }
    }
    if (perCustomer.size === 0) return [];
    const rows = rowsOf<{ id: string; last_order_at: Date; order_count: number }>(
      await tx.query(
        `UPDATE customers c SET
           last_order_at = GREATEST(c.last_order_at, o.last_order_at), order_count = c.order_count + o.n, updated_at = now()
         FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS o(id, last_order_at, n)
         WHERE c.id = o.id
         RETURNING c.id, c.last_order_at, c.order_count`,
        [
          [...perCustomer.keys()],
          [...perCustomer.values()].map((v) => v.last.toISOString()),
          [...perCustomer.values()].map((v) => v.count),
        ],
      ),
    );
    return rows.map((row) => ({ customerId: row.id, lastOrderAt: row.last_order_at, orderCount: row.order_count }));
  }

  /** Moves what an anonymous visitor owned (cart, subscriptions, running sequences) to the identified user. */
  async merge(tx: EntityManager, merges: ReadonlyMap<string, string>): Promise<void> {
    if (merges.size === 0) return;
    const params = [[...merges.keys()], [...merges.values()]];
    const moves = ['carts', 'push_subscriptions', 'orders'];
    for (const table of moves) {
      await tx.query(
        `UPDATE ${table} t SET customer_id = m.user_id
         FROM unnest($1::text[], $2::text[]) AS m(anon_id, user_id) WHERE t.customer_id = m.anon_id`,
        params,
      );
    }
    // The user keeps their own clock or open request for a product; the visitor's twin is dropped.
    for (const [table, condition] of [
      ['reorder_clocks', 'TRUE'],
      ['stock_requests', `t.status = 'open' AND u.status = 'open'`],
    ]) {
      await tx.query(
        `DELETE FROM ${table} t USING unnest($1::text[], $2::text[]) AS m(anon_id, user_id), ${table} u
         WHERE t.customer_id = m.anon_id AND u.customer_id = m.user_id AND u.product_id = t.product_id AND ${condition}`,
        params,
      );
      await tx.query(
        `UPDATE ${table} t SET customer_id = m.user_id
         FROM unnest($1::text[], $2::text[]) AS m(anon_id, user_id) WHERE t.customer_id = m.anon_id`,
        params,
      );
    }
    await tx.query(
      `UPDATE customers u SET
         last_order_at = GREATEST(u.last_order_at, a.last_order_at), order_count = u.order_count + a.order_count
       FROM unnest($1::text[], $2::text[]) AS m(anon_id, user_id), customers a
       WHERE u.id = m.user_id AND a.id = m.anon_id AND a.merged_into IS NULL AND a.order_count > 0`,
      params,
    );
    await tx.query(
      `UPDATE dispatches d SET customer_id = m.user_id, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS m(anon_id, user_id)
       WHERE d.customer_id = m.anon_id AND d.status IN ('scheduled', 'deferred')`,
      params,
    );
    await tx.query(
      `UPDATE customers c SET merged_into = m.user_id, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS m(anon_id, user_id) WHERE c.id = m.anon_id`,
      params,
    );
  }
}
