import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CART_COLUMNS, cartFromRow, CartRow, CartState } from '@beckon/persistence';

@Injectable()
export class CartRepository {
  /** Locks in id order so two writers never wait on each other in a cycle. */
  async lock(tx: EntityManager, ids: readonly string[]): Promise<Map<string, CartState>> {
    if (ids.length === 0) return new Map();
    const rows: CartRow[] = await tx.query(
      `SELECT ${CART_COLUMNS}
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
