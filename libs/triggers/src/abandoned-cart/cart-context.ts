import { EntityManager } from 'typeorm';
import { CartItem } from '@beckon/persistence';

export interface CartSummary {
  id: string;
  items: CartItem[];
  value: number;
  currency: string | null;
}

/** `cart`: `items` (name, price, quantity, url, image_url), `item_count`, `value`, `currency`, `url`. */
export function cartTemplateData(cart: CartSummary): Record<string, unknown> {
  return {
    id: cart.id,
    items: cart.items,
    item_count: cart.items.reduce((n, item) => n + item.quantity, 0),
    value: cart.value,
    currency: cart.currency,
    url: cart.items.find((item) => item.url)?.url ?? null,
  };
}

/** The customer's most recently active open cart, for previews. */
export async function loadLatestOpenCart(db: EntityManager, customerId: string): Promise<CartSummary | null> {
  const [row]: Array<{ id: string; items: CartItem[]; value: string; currency: string | null }> = await db.query(
    `SELECT id, items, value, currency FROM carts WHERE customer_id = $1 AND status = 'open'
     ORDER BY last_activity_at DESC LIMIT 1`,
    [customerId],
  );
  return row === undefined ? null : { id: row.id, items: row.items, value: Number(row.value), currency: row.currency };
}
