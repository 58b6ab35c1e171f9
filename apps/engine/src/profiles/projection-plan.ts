import { isTrack, StorefrontEvent } from '@beckon/events';
import { CartChange } from './cart-state';
import { CustomerUpsert } from './customer.repository';
import { OrderRecord, SubscriptionRecord } from './commerce.repository';
import { cartIdOf, ownerOf } from './event-routing';

export interface CartChangeAt {
  change: CartChange;
  at: Date;
  messageId: string;
}

export interface ProjectionPlan {
  customers: CustomerUpsert[];
  cartChanges: Map<string, { customerId: string; changes: CartChangeAt[] }>;
  orders: OrderRecord[];
  subscriptions: SubscriptionRecord[];
  removedEndpoints: string[];
  optOuts: Array<{ customerId: string; channel: 'email' | 'webpush' | 'all' }>;
}

function parseExpiration(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date = new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Folds a batch of new events (in partition order) into the writes it implies, aggregated so that
 * every table gets one statement per batch. Pure: no I/O, unit tested on its own.
 */
export function planProjection(
  events: readonly StorefrontEvent[],
  aliases: ReadonlyMap<string, string>,
): ProjectionPlan {
  const customers = new Map<string, CustomerUpsert>();
  const cartChanges = new Map<string, { customerId: string; changes: CartChangeAt[] }>();
  const orders: OrderRecord[] = [];
  const subscriptionByEndpoint = new Map<string, SubscriptionRecord | null>();
  const optOuts: ProjectionPlan['optOuts'] = [];

  const touchCart = (customerId: string, cartId: string, change: CartChange, event: StorefrontEvent) => {
    const entry = cartChanges.get(cartId) ?? { customerId, changes: [] };
    entry.customerId = customerId;
    entry.changes.push({
      change,
      at: event.timestamp,
      messageId: event.messageId,
    });
    cartChanges.set(cartId, entry);
  };

  for (const event of events) {
    const customerId = ownerOf(event, aliases);
    if (customerId === null) continue; // catalog events have no owner

    const current = customers.get(customerId) ?? {
      id: customerId,
      traits: {},
      extraTraits: {},
      timezone: null,
      locale: null,
      lastSeenAt: event.timestamp,
    };
    if (event.timestamp > current.lastSeenAt) current.lastSeenAt = event.timestamp;
    current.timezone = event.timezone ?? current.timezone;
    current.locale = event.locale ?? current.locale;
    if (event.type === 'identify') {
      current.traits = { ...current.traits, ...event.traits };
      current.extraTraits = { ...current.extraTraits, ...event.extraTraits };
    }
    customers.set(customerId, current);

    if (isTrack(event, 'Product Added') || isTrack(event, 'Product Removed')) {
      const { cart_id: cartId, ...line } = event.properties;
      const kind = event.event === 'Product Added' ? 'add' : 'remove';
      touchCart(customerId, cartIdOf(customerId, cartId), { kind, line }, event);
    } else if (isTrack(event, 'Cart Viewed')) {
      touchCart(
        customerId,
        cartIdOf(customerId, event.properties.cart_id),
        { kind: 'snapshot', products: event.properties.products },
        event,
      );
    } else if (isTrack(event, 'Checkout Started')) {
      const { cart_id: cartId, products, value, currency } = event.properties;
      // Without a product list a checkout only proves activity; the lines we know stay.
      const change: CartChange =
        products === undefined ? { kind: 'touch', currency } : { kind: 'snapshot', products, value, currency };
      touchCart(customerId, cartIdOf(customerId, cartId), change, event);
    } else if (isTrack(event, 'Order Completed')) {
      const p = event.properties;
      const cartId = cartIdOf(customerId, p.cart_id);
      touchCart(customerId, cartId, { kind: 'ordered' }, event);
      orders.push({
        orderId: p.order_id,
        customerId,
        cartId,
        total: p.total ?? p.revenue ?? null,
        currency: p.currency ?? null,
        products: p.products,
        placedAt: event.timestamp,
      });
    } else if (isTrack(event, 'Push Subscription Created')) {
      const p = event.properties;
      subscriptionByEndpoint.set(p.endpoint, {
        endpoint: p.endpoint,
        customerId,
        p256dh: p.keys.p256dh,
        auth: p.keys.auth,
        expiresAt: parseExpiration(p.expiration_time),
      });
    } else if (isTrack(event, 'Push Subscription Removed')) {
      subscriptionByEndpoint.set(event.properties.endpoint, null);
    } else if (isTrack(event, 'Unsubscribed')) {
      optOuts.push({ customerId, channel: event.properties.channel });
    }
  }

  const subscriptions: SubscriptionRecord[] = [];
  const removedEndpoints: string[] = [];
  for (const [endpoint, record] of subscriptionByEndpoint) {
    if (record === null) removedEndpoints.push(endpoint);
    else subscriptions.push(record);
  }
  return {
    customers: [...customers.values()],
    cartChanges,
    orders,
    subscriptions,
    removedEndpoints,
    optOuts,
  };
}
