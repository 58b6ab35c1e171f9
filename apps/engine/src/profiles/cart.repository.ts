import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CartItem } from '@beckon/persistence';
import { CartState } from './cart-state';

interface CartRow {
  id: string;
  customer_id: string;
  items: CartItem[];
  value: string;
  currency: string | null;
  status: CartState['status'];
  last_activity_at: Date;
}

export function cartFromRow(row: CartRow): CartState {
  return {
    id: row.id,
    customerId: row.customer_id,
    items: row.items,
    value: Number(row.value),
    currency: row.currency,
    status: row.status,
    lastActivityAt: row.last_activity_at,
  };
}

@Injectable()
export class CartRepository {
  /** Locks in id order so two writers never wait on each other in a cycle. */
  async lock(tx: EntityManager, ids: readonly string[]): Promise<Map<string, CartState>> {
    if (ids.length === 0) return new Map();
    const rows: CartRow[] = await tx.query(
      `SELECT id, customer_id, items, value, currency, status, last_activity_at
       FROM carts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, cartFromRow(row)]));
  }

  async upsert(tx: EntityManager, carts: readonly CartState[]): Promise<void> {
    if (carts.length === 0) return;
    await tx.query(
      `INSERT INTO carts (id, customer_id, items, value, currency, status, last_activity_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::numeric[], $5::text[], $6::text[], $7::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, items = EXCLUDED.items, value = EXCLUDED.value,
         currency = EXCLUDED.currency, status = EXCLUDED.status, last_activity_at = EXCLUDED.last_activity_at,
         updated_at = now()`,
      [
        carts.map((c) => c.id),
        carts.map((c) => c.customerId),
        carts.map((c) => JSON.stringify(c.items)),
        carts.map((c) => c.value),
        carts.map((c) => c.currency),
        carts.map((c) => c.status),
        carts.map((c) => c.lastActivityAt.toISOString()),
      ],
    );
  }
}
