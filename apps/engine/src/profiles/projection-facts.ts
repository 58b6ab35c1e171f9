import { CartState } from './cart-state';

/**
 * What a batch of storefront events changed, in the terms triggers care about. Ingestion produces
 * these without knowing any rule; triggers consume them in the same transaction.
 */
export interface ProjectionFacts {
  /** Final state of every cart the batch touched, with the event that last touched it. */
  carts: Array<CartState & { correlationId: string }>;
  orders: Array<{
    orderId: string;
    customerId: string;
    cartId: string;
    placedAt: Date;
  }>;
  unsubscribed: Array<{
    customerId: string;
    channel: 'email' | 'webpush' | 'all';
  }>;
}

export const NO_FACTS: ProjectionFacts = {
  carts: [],
  orders: [],
  unsubscribed: [],
};
