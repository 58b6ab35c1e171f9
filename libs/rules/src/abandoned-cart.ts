import { occasionKey, rawPart } from './occasion-key';
import { RuleParams } from './rule.schema';

/** One reminder sequence per cart (ids as the shop sends them). */
export const CART_OCCASION = occasionKey('cart', { cartId: rawPart });
export const CART_OCCASION_PREFIX = CART_OCCASION.prefix;
export const cartOccasion = (cartId: string): string => CART_OCCASION.of({ cartId });

export interface CartSnapshot {
  status: 'open' | 'ordered' | 'emptied';
  itemCount: number;
  value: number;
  lastActivityAt: Date;
}

export type CartVerdict =
  | { remind: true }
  | {
      remind: false;
      reason: 'order_completed' | 'cart_emptied' | 'below_min_value';
    };

/** Whether a quiet cart still deserves the reminder that just came due. */
export function abandonedCartVerdict(cart: CartSnapshot, params: RuleParams<'abandoned_cart'>): CartVerdict {
  if (cart.status === 'ordered') return { remind: false, reason: 'order_completed' };
  if (cart.status === 'emptied' || cart.itemCount === 0) return { remind: false, reason: 'cart_emptied' };
  if (cart.value < params.minCartValue) return { remind: false, reason: 'below_min_value' };
  return { remind: true };
}

export function cartValue(items: ReadonlyArray<{ price?: number; quantity: number }>): number {
  return Math.round(items.reduce((sum, item) => sum + (item.price ?? 0) * item.quantity, 0) * 100) / 100;
}
