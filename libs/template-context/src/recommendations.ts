import { CatalogProduct, ProductData, ProductLine, productTemplateData } from './catalog';

export interface PastOrder {
  id: string;
  placedAt: Date;
  total: number | null;
  currency: string | null;
  products: ProductLine[];
}

export const RECOMMENDATIONS = 4;

/**
 * Products to win a sleeping customer back with, from their own history: what they bought most
 * often, the more recent first among equals, leaving out what the catalog says is sold out.
 */
export function pickRecommendations(
  orders: readonly PastOrder[],
  catalog: ReadonlyMap<string, CatalogProduct>,
  limit = RECOMMENDATIONS,
): ProductData[] {
  const seen = new Map<string, { orders: number; lastAt: number; line: ProductLine }>();
  for (const order of orders) {
    const inOrder = new Set<string>();
    for (const line of order.products) {
      const id = line.product_id;
      if (id === undefined || inOrder.has(id)) continue;
      inOrder.add(id);
      const entry = seen.get(id);
      const at = order.placedAt.getTime();
      if (entry === undefined) seen.set(id, { orders: 1, lastAt: at, line });
      else {
        entry.orders += 1;
        if (at > entry.lastAt) Object.assign(entry, { lastAt: at, line });
      }
    }
  }
  return [...seen]
    .filter(([id]) => catalog.get(id)?.stock !== 0)
    .sort(([idA, a], [idB, b]) => b.orders - a.orders || b.lastAt - a.lastAt || idA.localeCompare(idB))
    .slice(0, limit)
    .map(([id, { line }]) => {
      const { quantity: _quantity, ...product } = productTemplateData(line, catalog.get(id));
      return product;
    });
}
