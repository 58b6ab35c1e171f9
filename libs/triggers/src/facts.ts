import { CartState } from '@beckon/persistence';

/** A customer whose order history grew: their last order time and order count after the batch. */
export interface OrderHistoryFact {
  customerId: string;
  lastOrderAt: Date;
  orderCount: number;
}

/** A reorder clock a purchase started or restarted. */
export interface ReorderClockFact {
  customerId: string;
  productId: string;
  orderId: string;
  orderedAt: Date;
  supplyDays: number | null;
}

/** A "tell me when it is back" request. */
export interface StockRequestFact {
  requestId: string;
  customerId: string;
  productId: string;
}

/**
 * What a batch of storefront events changed, in the terms triggers care about. Ingestion produces
 * these without knowing any rule; triggers consume them in the same transaction.
 */
export interface ProjectionFacts {
  /** messageIds of the batch's events that were new to the timeline (the others were duplicates). */
  fresh: ReadonlySet<string>;
  /** Per customer the batch wrote, the correlation id of their last new event: what dispatches it schedules name as cause. */
  correlations: ReadonlyMap<string, string>;
  /** Final state of every cart the batch touched, with the event that last touched it. */
  carts: Array<CartState & { correlationId: string }>;
  orders: Array<{
    orderId: string;
    customerId: string;
    cartId: string;
    placedAt: Date;
  }>;
  /** Opt-outs the batch carried, not yet applied: the facts handler applies them, after the triggers. */
  unsubscribed: Array<{
    customerId: string;
    channel: 'email' | 'webpush' | 'all';
  }>;
  orderHistories: OrderHistoryFact[];
  reorderClocks: ReorderClockFact[];
  /** Stock requests opened by the batch, and whether their product is in stock right now. */
  stockRequests: Array<StockRequestFact & { inStock: boolean }>;
  /** Open stock requests closed because the customer bought the product. */
  purchasedRequests: StockRequestFact[];
  /** Products that came back in stock: their waiting lists are being fanned out. */
  restocked: string[];
  /** Customers whose birthday or time zone an identify set. */
  birthdayChanges: string[];
}

export const NO_FACTS: ProjectionFacts = {
  fresh: new Set(),
  correlations: new Map(),
  carts: [],
  orders: [],
  unsubscribed: [],
  orderHistories: [],
  reorderClocks: [],
  stockRequests: [],
  purchasedRequests: [],
  restocked: [],
  birthdayChanges: [],
};
