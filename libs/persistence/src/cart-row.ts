import { CartItem } from './entities';

/** A cart as the engine works with it: the `carts` row in domain terms. */
export interface CartState {
  id: string;
  customerId: string;
  items: CartItem[];
  value: number;
  currency: string | null;
  status: 'open' | 'ordered' | 'emptied';
  lastActivityAt: Date;
}

/** The columns `cartFromRow` reads, in the order every cart query selects them. */
export const CART_COLUMNS = 'id, customer_id, items, value, currency, status, last_activity_at';

export interface CartRow {
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
