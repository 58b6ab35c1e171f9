import { identify, product, track } from '../test/support/storefront';

/** One Kafka record as a storefront produces it: keyed by userId, JSON value. */
export interface BenchMessage {
  key: string;
  value: string;
}

/** What the engine should have persisted once it has consumed every message of the mix. */
export interface MixExpectation {
  events: number;
  bytes: number;
  byType: Record<string, number>;
  customers: number;
  carts: number;
  openCarts: number;
  orders: number;
}

interface Shopper {
  id: string;
  seen: boolean;
  cartSeq: number;
  orderSeq: number;
  /** product id → quantity of the current cart */
  cart: Map<string, number>;
}

type CartStatus = 'open' | 'emptied' | 'ordered';

/** Small, fast, seedable PRNG (mulberry32) so every run produces the same mix. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic storefront stream over `customers` shoppers: each shopper's first event is an identify
 * (email, first_name), then product views, cart additions and removals on a cart with an explicit
 * cart_id, cart views carrying the full line list, and now and then an order, after which the shopper
 * starts a new cart. Timestamps rise over the last two hours, so every cart's first reminder (P1D) is
 * far in the future and no timer fires during the run.
 */
export function storefrontMix(
  total: number,
  customers: number,
  seed = 42,
): { messages: BenchMessage[]; expected: MixExpectation } {
  const random = prng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const catalog = Array.from({ length: 2_000 }, (_, i) => ({
    id: `p${i}`,
    price: Math.round((3 + random() * 120) * 100) / 100,
  }));
  const shoppers: Shopper[] = Array.from({ length: customers }, (_, i) => ({
    id: `bench-u${i}`,
    seen: false,
    cartSeq: 0,
    orderSeq: 0,
    cart: new Map(),
  }));
  const cartStatus = new Map<string, CartStatus>();
  const byType: Record<string, number> = {};
  const seenCustomers = new Set<string>();
  const messages: BenchMessage[] = new Array(total);
  let orders = 0;
  let bytes = 0;

  const start = Date.now() - 2 * 3600_000;
  const stepMs = (2 * 3600_000) / total;
  const cartIdOf = (s: Shopper) => `${s.id}-c${s.cartSeq}`;
  const lines = (s: Shopper) =>
    [...s.cart].map(([id, quantity]) => product(id, catalog[Number(id.slice(1))].price, { quantity }));
  const settle = (s: Shopper) => cartStatus.set(cartIdOf(s), s.cart.size === 0 ? 'emptied' : 'open');

  for (let i = 0; i < total; i++) {
    const at = new Date(start + i * stepMs);
    const s = shoppers[pick(customers)];
    const who = { userId: s.id };
    let event: Record<string, unknown>;
    const r = random();
    if (!s.seen || r < 0.03) {
      event = identify(who, { email: `${s.id}@example.com`, first_name: `Shopper${s.id.slice(7)}` }, at);
      s.seen = true;
    } else if (r < 0.53 || (r >= 0.78 && s.cart.size === 0)) {
      // removals, cart views and orders need something in the cart; an empty cart browses instead
      const p = catalog[pick(catalog.length)];
      event = track(who, 'Product Viewed', product(p.id, p.price), at);
    } else if (r < 0.78) {
      const p = catalog[pick(catalog.length)];
      const quantity = 1 + pick(2);
      s.cart.set(p.id, (s.cart.get(p.id) ?? 0) + quantity);
      event = track(who, 'Product Added', { cart_id: cartIdOf(s), ...product(p.id, p.price, { quantity }) }, at);
      settle(s);
    } else if (r < 0.86) {
      const ids = [...s.cart.keys()];
      const id = ids[pick(ids.length)];
      const quantity = s.cart.get(id)!;
      s.cart.delete(id);
      event = track(
        who,
        'Product Removed',
        { cart_id: cartIdOf(s), ...product(id, catalog[Number(id.slice(1))].price, { quantity }) },
        at,
      );
      settle(s);
    } else if (r < 0.96) {
      event = track(who, 'Cart Viewed', { cart_id: cartIdOf(s), products: lines(s) }, at);
      settle(s);
    } else {
      const products = lines(s);
      const totalValue = products.reduce((sum, p) => sum + p.price * (p.quantity as number), 0);
      event = track(
        who,
        'Order Completed',
        {
          order_id: `${s.id}-o${s.orderSeq++}`,
          cart_id: cartIdOf(s),
          total: Math.round(totalValue * 100) / 100,
          currency: 'EUR',
          products,
        },
        at,
      );
      cartStatus.set(cartIdOf(s), 'ordered');
      orders++;
      s.cartSeq++;
      s.cart.clear();
    }
    const type = event.type === 'identify' ? 'identify' : String(event.event);
    byType[type] = (byType[type] ?? 0) + 1;
    seenCustomers.add(s.id);
    const value = JSON.stringify(event);
    bytes += Buffer.byteLength(value);
    messages[i] = { key: s.id, value };
  }

  let openCarts = 0;
  for (const status of cartStatus.values()) if (status === 'open') openCarts++;
  return {
    messages,
    expected: {
      events: total,
      bytes,
      byType,
      customers: seenCustomers.size,
      carts: cartStatus.size,
      openCarts,
      orders,
    },
  };
}
