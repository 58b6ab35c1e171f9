import { EntityManager } from 'typeorm';
import { ReorderParams, supplyDays } from '@beckon/rules';
import { CatalogProduct, ProductLine, productTemplateData } from '@beckon/template-context';

/** The latest purchase of one product by one customer. */
export interface ReorderClock {
  customerId: string;
  productId: string;
  orderId: string;
  orderedAt: Date;
  supplyDays: number | null;
  product: ProductLine;
}

export async function loadReorderClocks(
  db: EntityManager,
  customerIds: readonly string[],
): Promise<Map<string, ReorderClock[]>> {
  const ids = [...new Set(customerIds)];
  const clocks = new Map<string, ReorderClock[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return clocks;
  const rows: Array<{
    customer_id: string;
    product_id: string;
    order_id: string;
    ordered_at: Date;
    supply_days: number | null;
    product: ProductLine;
  }> = await db.query(
    `SELECT customer_id, product_id, order_id, ordered_at, supply_days, product FROM reorder_clocks
     WHERE customer_id = ANY($1::text[]) ORDER BY customer_id, ordered_at DESC, product_id`,
    [ids],
  );
  for (const row of rows) {
    clocks.get(row.customer_id)!.push({
      customerId: row.customer_id,
      productId: row.product_id,
      orderId: row.order_id,
      orderedAt: row.ordered_at,
      supplyDays: row.supply_days,
      product: row.product,
    });
  }
  return clocks;
}

/** `products` to reorder (the first also as `product`) and the `order` they were bought with. */
export function reorderTemplateData(
  clocks: readonly ReorderClock[],
  catalog: ReadonlyMap<string, CatalogProduct>,
): Record<string, unknown> {
  const products = clocks.map((clock) => productTemplateData(clock.product, catalog.get(clock.productId)));
  const first = clocks[0];
  return {
    products,
    product: products[0] ?? null,
    order: first === undefined ? null : { id: first.orderId, placed_at: first.orderedAt.toISOString() },
  };
}

/**
 * The products a reminder about `clock` lists: it and every other product of the same order that
 * lasts as long, so runs out the same day. `clock` comes first.
 */
export function runningOutTogether(
  clock: ReorderClock,
  customerClocks: readonly ReorderClock[],
  params: ReorderParams,
): ReorderClock[] {
  const days = (c: ReorderClock) => supplyDays(c.supplyDays, params);
  return [
    clock,
    ...customerClocks.filter((c) => c !== clock && c.orderId === clock.orderId && days(c) === days(clock)),
  ];
}
