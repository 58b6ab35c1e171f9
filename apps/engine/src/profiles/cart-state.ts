import { MAX_AMOUNT, MAX_QUANTITY, Product } from '@beckon/events';
import { CartItem, CartState } from '@beckon/persistence';
import { cartValue } from '@beckon/rules';
import { productKey } from '../catalog/catalog-records';

export type { CartState };

export type CartChange =
  | { kind: 'add'; line: Product }
  | { kind: 'remove'; line: Product }
  | { kind: 'snapshot'; products: Product[]; value?: number; currency?: string }
  | { kind: 'touch'; currency?: string }
  | { kind: 'ordered' };

const lineKey = (line: { product_id?: string; sku?: string }): string => productKey(line) ?? 'sku:';

function toItem(line: Product, quantity: number): CartItem {
  return {
    product_id: line.product_id,
    sku: line.sku,
    name: line.name,
    price: line.price,
    quantity,
    url: line.url,
    image_url: line.image_url,
  };
}

export function emptyCart(id: string, customerId: string, at: Date): CartState {
  return {
    id,
    customerId,
    items: [],
    value: 0,
    currency: null,
    status: 'open',
    lastActivityAt: at,
  };
}

/**
 * Applies one storefront change to a cart. Pure: the projector loads carts once per batch, folds
 * every event of the batch through this, and writes the results back in one statement.
 */
export function applyCartChange(cart: CartState, change: CartChange, at: Date): CartState {
  const lastActivityAt = at > cart.lastActivityAt ? at : cart.lastActivityAt;
  if (change.kind === 'ordered') return { ...cart, status: 'ordered', lastActivityAt };
  if (change.kind === 'touch') {
    const status = cart.items.length === 0 ? 'emptied' : 'open';
    return {
      ...cart,
      currency: change.currency ?? cart.currency,
      status,
      lastActivityAt,
    };
  }

  let items: CartItem[];
  let value: number | undefined;
  let currency = cart.currency;
  if (change.kind === 'snapshot') {
    items = change.products.filter((p) => p.quantity > 0).map((p) => toItem(p, p.quantity));
    value = change.value;
    currency = change.currency ?? currency;
  } else {
    const key = lineKey(change.line);
    const existing = cart.items.find((item) => lineKey(item) === key);
    const delta = change.kind === 'add' ? change.line.quantity || 1 : -(change.line.quantity || 1);
    // Repeated adds could otherwise grow a line past what any cart holds.
    const quantity = Math.min(MAX_QUANTITY, Math.max(0, (existing?.quantity ?? 0) + delta));
    // A remove that names only the product must not wipe the name and price the add brought.
    const known = Object.fromEntries(Object.entries(toItem(change.line, quantity)).filter(([, v]) => v !== undefined));
    const merged = { ...existing, ...known, quantity } as CartItem;
    items = cart.items.filter((item) => lineKey(item) !== key);
    if (quantity > 0) items.push(merged);
  }
  return {
    ...cart,
    items,
    // Saturates at what the value column holds: every line is bounded, their sum is not.
    value: Math.min(MAX_AMOUNT, value ?? cartValue(items)),
    currency,
    // A cart that was ordered and sees new activity is a new shopping intent, so it reopens.
    status: items.length === 0 ? 'emptied' : 'open',
    lastActivityAt,
  };
}
