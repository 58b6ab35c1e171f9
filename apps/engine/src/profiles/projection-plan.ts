import { isStorableInstant, isTrack, Product, StorefrontEvent } from '@beckon/events';
import { ProductDetails, productKey, StockRequestRecord } from '../catalog/catalog-records';
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
  /** Latest details of every product the batch mentions, keyed by product key. */
  catalog: Map<string, ProductDetails>;
  /** Stock levels per product, in event order. */
  stockUpdates: Map<string, number[]>;
  stockRequests: StockRequestRecord[];
  /** Customers whose birthday or time zone an identify set: their next greeting may move. */
  birthdayChanges: string[];
}

function mergeDetails(catalog: Map<string, ProductDetails>, line: Partial<Product> & { product_id?: string }): void {
  const id = productKey(line);
  if (id === null) return;
  const known = catalog.get(id) ?? { id };
  catalog.set(id, {
    id,
    sku: line.sku ?? known.sku,
    name: line.name ?? known.name,
    price: line.price ?? known.price,
    url: line.url ?? known.url,
    imageUrl: line.image_url ?? known.imageUrl,
  });
}

function parseExpiration(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date = new Date(value as string | number);
  return isStorableInstant(date) ? date : null;
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
  const catalog = new Map<string, ProductDetails>();
  const stockUpdates = new Map<string, number[]>();
  const stockRequests: StockRequestRecord[] = [];
  const birthdayChanges = new Set<string>();
  const trustedTraits = new Set<string>();

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
    if (isTrack(event, 'Inventory Updated')) {
      const id = productKey(event.properties);
      if (id !== null) stockUpdates.set(id, [...(stockUpdates.get(id) ?? []), event.properties.quantity]);
      mergeDetails(catalog, event.properties);
      continue; // a catalog event, whoever sent it
    }
    const customerId = ownerOf(event, aliases);
    if (customerId === null) continue;

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
    if (event.type === 'identify' && event.untrusted === true) {
      // A write key's identify may fill a profile that has none (checked as it is stored), never
      // overwrite one: a trusted identify of the same batch wins outright.
      if (!trustedTraits.has(customerId)) {
        current.traits = { ...current.traits, ...event.traits };
        current.extraTraits = { ...current.extraTraits, ...event.extraTraits };
        current.traitsUntrusted = true;
        if (event.traits.birthday !== undefined || event.traits.timezone !== undefined) birthdayChanges.add(customerId);
      }
    } else if (event.type === 'identify') {
      if (current.traitsUntrusted === true) {
        current.traits = {};
        current.extraTraits = {};
        delete current.traitsUntrusted;
      }
      trustedTraits.add(customerId);
      current.traits = { ...current.traits, ...event.traits };
      current.extraTraits = { ...current.extraTraits, ...event.extraTraits };
      if (event.traits.birthday !== undefined || event.traits.timezone !== undefined) birthdayChanges.add(customerId);
    }
    customers.set(customerId, current);

    if (isTrack(event, 'Product Viewed')) {
      mergeDetails(catalog, event.properties);
    } else if (isTrack(event, 'Back In Stock Requested')) {
      mergeDetails(catalog, event.properties);
      const productId = productKey(event.properties);
      if (productId !== null) stockRequests.push({ customerId, productId, requestedAt: event.timestamp });
    } else if (isTrack(event, 'Product Added') || isTrack(event, 'Product Removed')) {
      const { cart_id: cartId, ...line } = event.properties;
      mergeDetails(catalog, line);
      const kind = event.event === 'Product Added' ? 'add' : 'remove';
      touchCart(customerId, cartIdOf(customerId, cartId), { kind, line }, event);
    } else if (isTrack(event, 'Cart Viewed')) {
      for (const line of event.properties.products) mergeDetails(catalog, line);
      touchCart(
        customerId,
        cartIdOf(customerId, event.properties.cart_id),
        { kind: 'snapshot', products: event.properties.products },
        event,
      );
    } else if (isTrack(event, 'Checkout Started')) {
      const { cart_id: cartId, products, value, currency } = event.properties;
      for (const line of products ?? []) mergeDetails(catalog, line);
      // Without a product list a checkout only proves activity; the lines we know stay.
      const change: CartChange =
        products === undefined ? { kind: 'touch', currency } : { kind: 'snapshot', products, value, currency };
      touchCart(customerId, cartIdOf(customerId, cartId), change, event);
    } else if (isTrack(event, 'Order Completed')) {
      const p = event.properties;
      for (const line of p.products) mergeDetails(catalog, line);
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
    catalog,
    stockUpdates,
    stockRequests,
    birthdayChanges: [...birthdayChanges],
  };
}
