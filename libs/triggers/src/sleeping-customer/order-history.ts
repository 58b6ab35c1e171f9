import { EntityManager } from 'typeorm';
import { DAY_MS } from '@beckon/rules';
import {
  CatalogProduct,
  orderTemplateData,
  PastOrder,
  pickRecommendations,
  ProductLine,
} from '@beckon/template-context';

/** Recommendations look at this many recent orders per customer; older taste matters less. */
const HISTORY_ORDERS = 20;

/** The latest orders of each customer, newest first, one query for the whole batch. */
export async function loadOrderHistories(
  db: EntityManager,
  customerIds: readonly string[],
): Promise<Map<string, PastOrder[]>> {
  const ids = [...new Set(customerIds)];
  const histories = new Map<string, PastOrder[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return histories;
  const rows: Array<{
    customer_id: string;
    id: string;
    placed_at: Date;
    total: string | null;
    currency: string | null;
    products: ProductLine[];
  }> = await db.query(
    `SELECT c.id AS customer_id, o.id, o.placed_at, o.total, o.currency, o.products
     FROM unnest($1::text[]) AS c(id)
     CROSS JOIN LATERAL (
       SELECT id, placed_at, total, currency, products FROM orders
       WHERE customer_id = c.id ORDER BY placed_at DESC LIMIT $2
     ) o`,
    [ids, HISTORY_ORDERS],
  );
  for (const row of rows) {
    histories.get(row.customer_id)!.push({
      id: row.id,
      placedAt: row.placed_at,
      total: row.total === null ? null : Number(row.total),
      currency: row.currency,
      products: row.products,
    });
  }
  return histories;
}

export function productIdsIn(orders: readonly PastOrder[]): string[] {
  return orders.flatMap((order) => order.products.map((line) => line.product_id).filter((id) => id !== undefined));
}

/** `order` (the last one), `days_inactive` and `recommendations` for a sleeping customer. */
export function sleepTemplateData(
  orders: readonly PastOrder[],
  catalog: ReadonlyMap<string, CatalogProduct>,
  now: Date,
): Record<string, unknown> {
  const last = orders[0];
  return {
    order: last === undefined ? null : orderTemplateData(last, catalog),
    days_inactive: last === undefined ? null : Math.floor((now.getTime() - last.placedAt.getTime()) / DAY_MS),
    recommendations: pickRecommendations(orders, catalog),
  };
}
