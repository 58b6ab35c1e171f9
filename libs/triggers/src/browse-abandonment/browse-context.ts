import { EntityManager } from 'typeorm';
import { BrowseActivity, browsedProducts, Visit } from '@beckon/rules';
import { CatalogProduct, ProductData, productTemplateData } from '@beckon/template-context';

const KIND_OF_EVENT: Record<string, BrowseActivity['kind']> = {
  'Product Viewed': 'view',
  'Product Added': 'add',
  'Order Completed': 'order',
};
export const BROWSE_EVENTS = Object.keys(KIND_OF_EVENT);

/**
 * Each customer's views, cart additions and orders from their `since` on, oldest first: one query
 * for the whole batch over the timeline's (customer_id, occurred_at) index. A visitor who signed in
 * browsed under their anonymous id, which the timeline keeps: those events are the user's too. Products are keyed as
 * the catalog keys them: product_id, else `sku:<sku>`.
 */
export async function loadBrowsing(
  db: EntityManager,
  from: ReadonlyMap<string, Date>,
): Promise<Map<string, BrowseActivity[]>> {
  const timelines = new Map<string, BrowseActivity[]>([...from.keys()].map((id) => [id, []]));
  if (from.size === 0) return timelines;
  const rows: Array<{ customer_id: string; event: string; occurred_at: Date; product_id: string | null }> =
    await db.query(
      `SELECT c.id AS customer_id, e.event, e.occurred_at,
              COALESCE(e.payload->'properties'->>'product_id', 'sku:' || (e.payload->'properties'->>'sku')) AS product_id
       FROM unnest($1::text[], $2::timestamptz[]) AS c(id, since)
       CROSS JOIN LATERAL (SELECT c.id AS id UNION ALL SELECT id FROM customers WHERE merged_into = c.id) AS owner
       JOIN customer_events e ON e.customer_id = owner.id AND e.occurred_at >= c.since
       WHERE e.event = ANY($3::text[])
       ORDER BY c.id, e.occurred_at, e.message_id`,
      [[...from.keys()], [...from.values()].map((at) => at.toISOString()), BROWSE_EVENTS],
    );
  for (const row of rows) {
    timelines.get(row.customer_id)!.push({
      kind: KIND_OF_EVENT[row.event],
      at: new Date(row.occurred_at),
      productId: row.product_id,
    });
  }
  return timelines;
}

/** When the customer last viewed a product, for previews: the start of the latest visit is before it. */
export async function lastViewAt(db: EntityManager, customerId: string): Promise<Date | null> {
  const [row]: Array<{ occurred_at: Date }> = await db.query(
    `SELECT occurred_at FROM customer_events WHERE customer_id = $1 AND event = 'Product Viewed'
     ORDER BY occurred_at DESC LIMIT 1`,
    [customerId],
  );
  return row === undefined ? null : new Date(row.occurred_at);
}

/**
 * `products` (viewed in the visit, most recent first, sold-out ones left out, up to four) and
 * `product` (the first), with the catalog's current details; null when every product sold out.
 */
export function browseTemplateData(
  visit: Visit,
  catalog: ReadonlyMap<string, CatalogProduct>,
): { products: ProductData[]; product: ProductData } | null {
  const soldOut = (id: string) => {
    const stock = catalog.get(id)?.stock;
    return stock !== null && stock !== undefined && stock <= 0;
  };
  const products = browsedProducts(visit, soldOut).map((id) =>
    productTemplateData({ product_id: id }, catalog.get(id)),
  );
  return products.length === 0 ? null : { products, product: products[0] };
}

/**
 * When each (customer, rule) last had a browse reminder go out (queued or sent) about another
 * visit than the one asking, within `horizon`: the cooldown's evidence. One query over the
 * dispatch log's customer index.
 */
export async function loadRecentReminders(
  db: EntityManager,
  customerIds: readonly string[],
  ruleIds: readonly string[],
  horizon: Date,
): Promise<Array<{ customerId: string; ruleId: string; occasion: string; at: Date }>> {
  if (customerIds.length === 0) return [];
  const rows: Array<{ customer_id: string; rule_id: string; occasion: string; at: Date }> = await db.query(
    `SELECT customer_id, rule_id::text, occasion, COALESCE(sent_at, updated_at) AS at FROM dispatches
     WHERE customer_id = ANY($1::text[]) AND rule_id = ANY($2::uuid[]) AND status IN ('queued', 'sent')
       AND COALESCE(sent_at, updated_at) > $3`,
    [[...new Set(customerIds)], [...new Set(ruleIds)], horizon.toISOString()],
  );
  return rows.map((row) => ({
    customerId: row.customer_id,
    ruleId: row.rule_id,
    occasion: row.occasion,
    at: new Date(row.at),
  }));
}
