import { parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import { mergesIn } from './event-routing';
import { planProjection } from './projection-plan';

let sequence = 0;
const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 10, minute));

function event(raw: Record<string, unknown>, minute: number): StorefrontEvent {
  const result = parseStorefrontEvent(
    JSON.stringify({ messageId: `m-${++sequence}`, timestamp: at(minute).toISOString(), ...raw }),
  );
  if (!result.ok) throw new Error(`fixture refused: ${result.reason}`);
  return result.event;
}
const identify = (ids: Record<string, unknown>, traits: Record<string, unknown>, minute: number, extra = {}) =>
  event({ type: 'identify', ...ids, traits, ...extra }, minute);
const track = (ids: Record<string, unknown>, name: string, properties: Record<string, unknown>, minute: number) =>
  event({ type: 'track', ...ids, event: name, properties }, minute);

const user = { userId: 'u1' };
const anon = { anonymousId: 'a1' };
const keys = { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA', auth: 'tBHItJI5svbpez7K' };
const ENDPOINT = 'https://push.example.com/send/abc';

describe('planProjection', () => {
  it('writes one customer row per customer, merging traits in event order', () => {
    const plan = planProjection(
      [
        identify(user, { email: 'old@example.com', first_name: 'Ada' }, 1, { context: { timezone: 'Europe/Paris' } }),
        identify({ userId: 'u2' }, { first_name: 'Bob' }, 2),
        identify(user, { email: 'new@example.com', plan: 'gold' }, 3, { context: { locale: 'fr-FR' } }),
        track(user, 'Product Viewed', { product_id: 'p1' }, 4),
      ],
      new Map(),
    );
    expect(plan.customers).toHaveLength(2);
    const u1 = plan.customers.find((c) => c.id === 'u1');
    expect(u1).toEqual({
      id: 'u1',
      traits: { email: 'new@example.com', first_name: 'Ada' },
      extraTraits: { plan: 'gold' },
      timezone: 'Europe/Paris',
      locale: 'fr-FR',
      lastSeenAt: at(4),
    });
    expect(plan.customers.find((c) => c.id === 'u2')?.traits).toEqual({ first_name: 'Bob' });
  });

  it('keeps lastSeenAt at the latest timestamp even when events arrive out of order', () => {
    const plan = planProjection(
      [track(user, 'Product Viewed', { product_id: 'p1' }, 9), track(user, 'Product Viewed', { product_id: 'p2' }, 3)],
      new Map(),
    );
    expect(plan.customers[0].lastSeenAt).toEqual(at(9));
  });

  it('gives an anonymous visitor a customer of its own', () => {
    const plan = planProjection([track(anon, 'Product Added', { product_id: 'p1', price: 5 }, 1)], new Map());
    expect(plan.customers.map((c) => c.id)).toEqual(['anon:a1']);
    expect([...plan.cartChanges.entries()]).toEqual([
      [
        'anon:a1:default',
        {
          customerId: 'anon:a1',
          changes: [
            {
              change: { kind: 'add', line: { product_id: 'p1', price: 5, quantity: 1 } },
              at: at(1),
              messageId: expect.any(String),
            },
          ],
        },
      ],
    ]);
  });

  it('hands an anonymous cart to the user it is aliased to', () => {
    const events = [
      track(anon, 'Product Added', { product_id: 'p1', price: 5 }, 1),
      identify({ userId: 'u1', anonymousId: 'a1' }, { email: 'ada@example.com' }, 2),
      track(anon, 'Product Added', { product_id: 'p2', price: 7 }, 3),
    ];
    const plan = planProjection(events, mergesIn(events));
    expect(plan.customers.map((c) => c.id)).toEqual(['u1']);
    expect(plan.customers[0].traits).toEqual({ email: 'ada@example.com' });
    expect(plan.customers[0].lastSeenAt).toEqual(at(3));
    const cart = plan.cartChanges.get('u1:default');
    expect(cart?.customerId).toBe('u1');
    expect(cart?.changes.map((c) => c.change)).toEqual([
      { kind: 'add', line: { product_id: 'p1', price: 5, quantity: 1 } },
      { kind: 'add', line: { product_id: 'p2', price: 7, quantity: 1 } },
    ]);
    expect(plan.cartChanges.has('anon:a1:default')).toBe(false);
  });

  it('follows aliases known from earlier batches', () => {
    const plan = planProjection(
      [track(anon, 'Product Added', { cart_id: 'c9', product_id: 'p1' }, 1)],
      new Map([['anon:a1', 'u1']]),
    );
    expect(plan.customers.map((c) => c.id)).toEqual(['u1']);
    expect(plan.cartChanges.get('c9')?.customerId).toBe('u1');
  });

  it('keys cart changes by cart_id when the shop sends one, keeping all changes in order', () => {
    const plan = planProjection(
      [
        track(user, 'Product Added', { cart_id: 'c1', product_id: 'p1' }, 1),
        track(user, 'Product Removed', { cart_id: 'c1', product_id: 'p1' }, 2),
        track(user, 'Cart Viewed', { cart_id: 'c1', products: [{ product_id: 'p3', quantity: 2 }] }, 3),
        track(user, 'Checkout Started', { cart_id: 'c1', currency: 'EUR' }, 4),
        track(user, 'Checkout Started', { cart_id: 'c1', value: 9, products: [{ product_id: 'p3' }] }, 5),
      ],
      new Map(),
    );
    expect([...plan.cartChanges.keys()]).toEqual(['c1']);
    const changes = plan.cartChanges.get('c1')!.changes;
    expect(changes.map((c) => c.change)).toEqual([
      { kind: 'add', line: { product_id: 'p1', quantity: 1 } },
      { kind: 'remove', line: { product_id: 'p1', quantity: 1 } },
      { kind: 'snapshot', products: [{ product_id: 'p3', quantity: 2 }] },
      { kind: 'touch', currency: 'EUR' },
      { kind: 'snapshot', products: [{ product_id: 'p3', quantity: 1 }], value: 9, currency: undefined },
    ]);
    expect(changes.map((c) => c.at)).toEqual([at(1), at(2), at(3), at(4), at(5)]);
    expect(new Set(changes.map((c) => c.messageId)).size).toBe(5);
  });

  it('records an order and an ordered change for its cart_id', () => {
    const plan = planProjection(
      [
        track(
          user,
          'Order Completed',
          { order_id: 'o1', cart_id: 'c1', revenue: 30, currency: 'EUR', products: [{ product_id: 'p1', price: 30 }] },
          5,
        ),
      ],
      new Map(),
    );
    expect(plan.cartChanges.get('c1')?.changes.map((c) => c.change)).toEqual([{ kind: 'ordered' }]);
    expect(plan.orders).toEqual([
      {
        orderId: 'o1',
        customerId: 'u1',
        cartId: 'c1',
        total: 30,
        currency: 'EUR',
        products: [{ product_id: 'p1', price: 30, quantity: 1 }],
        placedAt: at(5),
      },
    ]);
  });

  it('closes the default cart of the customer for an order without cart_id and prefers total over revenue', () => {
    const plan = planProjection(
      [track(user, 'Order Completed', { order_id: 'o2', total: 10, revenue: 8 }, 1)],
      new Map(),
    );
    expect(plan.cartChanges.get('u1:default')?.changes.map((c) => c.change)).toEqual([{ kind: 'ordered' }]);
    expect(plan.orders[0]).toMatchObject({ cartId: 'u1:default', total: 10, currency: null, products: [] });
  });

  it('leaves the total null when the order states none', () => {
    const plan = planProjection([track(user, 'Order Completed', { order_id: 'o3' }, 1)], new Map());
    expect(plan.orders[0].total).toBeNull();
  });

  it('records a push subscription with its keys and expiry', () => {
    const plan = planProjection(
      [track(anon, 'Push Subscription Created', { endpoint: ENDPOINT, keys, expiration_time: 1767225600000 }, 1)],
      new Map(),
    );
    expect(plan.subscriptions).toEqual([
      {
        endpoint: ENDPOINT,
        customerId: 'anon:a1',
        p256dh: keys.p256dh,
        auth: keys.auth,
        expiresAt: new Date(1767225600000),
      },
    ]);
    expect(plan.removedEndpoints).toEqual([]);
  });

  it('treats a missing or unparseable expiry as none', () => {
    const plan = planProjection(
      [
        track(user, 'Push Subscription Created', { endpoint: ENDPOINT, keys, expiration_time: null }, 1),
        track(user, 'Push Subscription Created', { endpoint: `${ENDPOINT}2`, keys, expiration_time: 'soon' }, 2),
        // Valid to JavaScript, refused by PostgreSQL's timestamptz: must not fail the batch.
        track(user, 'Push Subscription Created', { endpoint: `${ENDPOINT}3`, keys, expiration_time: 1e15 }, 3),
        track(user, 'Push Subscription Created', { endpoint: `${ENDPOINT}4`, keys, expiration_time: '0000-01-01' }, 4),
      ],
      new Map(),
    );
    expect(plan.subscriptions.map((s) => s.expiresAt)).toEqual([null, null, null, null]);
  });

  it('keeps only the removal when a subscription is created then removed in one batch', () => {
    const plan = planProjection(
      [
        track(user, 'Push Subscription Created', { endpoint: ENDPOINT, keys }, 1),
        track(user, 'Push Subscription Removed', { endpoint: ENDPOINT }, 2),
      ],
      new Map(),
    );
    expect(plan.subscriptions).toEqual([]);
    expect(plan.removedEndpoints).toEqual([ENDPOINT]);
  });

  it('keeps only the subscription when it is removed then created again in one batch', () => {
    const plan = planProjection(
      [
        track(user, 'Push Subscription Removed', { endpoint: ENDPOINT }, 1),
        track(user, 'Push Subscription Created', { endpoint: ENDPOINT, keys }, 2),
      ],
      new Map(),
    );
    expect(plan.subscriptions.map((s) => s.endpoint)).toEqual([ENDPOINT]);
    expect(plan.removedEndpoints).toEqual([]);
  });

  it('turns Unsubscribed into an opt-out of the owning customer', () => {
    const plan = planProjection(
      [track(user, 'Unsubscribed', { channel: 'email' }, 1), track(anon, 'Unsubscribed', {}, 2)],
      new Map([['anon:a1', 'u1']]),
    );
    expect(plan.optOuts).toEqual([
      { customerId: 'u1', channel: 'email' },
      { customerId: 'u1', channel: 'all' },
    ]);
  });

  it('projects catalog events into the catalog only: they have no owner', () => {
    const plan = planProjection([track({}, 'Inventory Updated', { product_id: 'p1', quantity: 4 }, 1)], new Map());
    expect(plan).toEqual({
      customers: [],
      cartChanges: new Map(),
      orders: [],
      subscriptions: [],
      removedEndpoints: [],
      optOuts: [],
      catalog: new Map([['p1', { id: 'p1' }]]),
      stockUpdates: new Map([['p1', [4]]]),
      stockRequests: [],
      birthdayChanges: [],
    });
  });

  it('records a customer but nothing else for events that change no state', () => {
    const plan = planProjection(
      [track(user, 'Product Viewed', { product_id: 'p1' }, 1), track(user, 'Coupon Applied', { code: 'X' }, 2)],
      new Map(),
    );
    expect(plan.customers.map((c) => c.id)).toEqual(['u1']);
    expect(plan.cartChanges.size).toBe(0);
    expect(plan.orders).toEqual([]);
  });
});
