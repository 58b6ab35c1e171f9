import { CatalogProduct, productTemplateData } from './catalog';
import { PastOrder } from './recommendations';

/** `order`: `id`, `placed_at`, `total`, `currency` and its `products` as the catalog knows them now. */
export function orderTemplateData(
  order: PastOrder,
  catalog: ReadonlyMap<string, CatalogProduct>,
): Record<string, unknown> {
  return {
    id: order.id,
    placed_at: order.placedAt.toISOString(),
    total: order.total,
    currency: order.currency,
    products: order.products.map((line) => productTemplateData(line, catalog.get(line.product_id ?? ''))),
  };
}
