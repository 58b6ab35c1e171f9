import { isTrack, MAX_EVENT_BYTES, ParseResult, parseStorefrontEvent, StorefrontEvent } from './parse-storefront-event';

const envelope = (over: Record<string, unknown> = {}) => ({
  messageId: 'm-1',
  timestamp: '2025-05-01T12:00:00.000Z',
  userId: 'u-1',
  ...over,
});
const identify = (traits: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'identify', ...envelope(over), traits });
const track = (event: string, properties: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'track', ...envelope(over), event, properties });

function eventOf(result: ParseResult): StorefrontEvent {
  if (!result.ok) throw new Error(`expected a valid event, refused: ${result.reason}`);
  return result.event;
}

function reasonOf(result: ParseResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

const subscription = {
  endpoint: 'https://push.example.com/send/abc',
  keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA', auth: 'tBHItJI5svbpez7K' },
};

describe('parseStorefrontEvent: identify', () => {
  it('folds camelCase traits into snake_case and keeps the envelope', () => {
    const event = eventOf(
      parseStorefrontEvent(
        identify(
          { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', plan: 'gold' },
          { anonymousId: 'a-9', context: { timezone: 'Europe/Paris', locale: 'fr-FR' } },
        ),
      ),
    );
    expect(event).toEqual({
      type: 'identify',
      messageId: 'm-1',
      timestamp: new Date('2025-05-01T12:00:00.000Z'),
      userId: 'u-1',
      anonymousId: 'a-9',
      timezone: 'Europe/Paris',
      locale: 'fr-FR',
      traits: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
      extraTraits: { plan: 'gold' },
    });
  });

  it('lets the snake_case trait win over its camelCase twin, whichever comes first', () => {
    const first = eventOf(parseStorefrontEvent(identify({ first_name: 'Snake', firstName: 'Camel' })));
    const second = eventOf(parseStorefrontEvent(identify({ firstName: 'Camel', first_name: 'Snake' })));
    expect(first.type === 'identify' && first.traits.first_name).toBe('Snake');
    expect(second.type === 'identify' && second.traits.first_name).toBe('Snake');
  });

  it('accepts a Buffer value', () => {
    expect(eventOf(parseStorefrontEvent(Buffer.from(identify({ email: 'a@b.co' })))).type).toBe('identify');
  });

  it('refuses an invalid email trait, naming traits.email', () => {
    expect(reasonOf(parseStorefrontEvent(identify({ email: 'not-an-email' })))).toMatch(/^traits\.email: /);
  });

  it('refuses a birthday that is not YYYY-MM-DD and an unknown trait time zone', () => {
    expect(reasonOf(parseStorefrontEvent(identify({ birthday: '03/04/1990' })))).toMatch(/^traits\.birthday: /);
    expect(reasonOf(parseStorefrontEvent(identify({ timeZone: 'Mars/Olympus' })))).toBe(
      'traits.timezone: unknown IANA time zone "Mars/Olympus"',
    );
  });

  it('refuses an identify without userId or anonymousId', () => {
    expect(reasonOf(parseStorefrontEvent(identify({}, { userId: null })))).toBe('userId or anonymousId is required');
  });

  it('coerces a numeric userId to a string', () => {
    expect(eventOf(parseStorefrontEvent(identify({}, { userId: 42 }))).userId).toBe('42');
  });
});

describe('parseStorefrontEvent: envelope', () => {
  it.each(['messageId', 'timestamp'])('refuses an event without %s, naming it', (field) => {
    const raw = JSON.parse(identify({})) as Record<string, unknown>;
    delete raw[field];
    expect(reasonOf(parseStorefrontEvent(JSON.stringify(raw)))).toMatch(new RegExp(`^${field}: `));
  });

  it('refuses a timestamp that is not ISO 8601', () => {
    expect(reasonOf(parseStorefrontEvent(identify({}, { timestamp: 'yesterday' })))).toMatch(/^timestamp: /);
  });

  it('accepts a timestamp with an offset and keeps the instant', () => {
    const event = eventOf(parseStorefrontEvent(identify({}, { timestamp: '2025-05-01T14:00:00+02:00' })));
    expect(event.timestamp.toISOString()).toBe('2025-05-01T12:00:00.000Z');
  });

  it('refuses something that is not JSON', () => {
    expect(reasonOf(parseStorefrontEvent('{"type": "identify"'))).toMatch(/^not JSON: /);
  });

  it.each([null, undefined, '', Buffer.alloc(0)])('refuses the empty message %p', (value) => {
    expect(reasonOf(parseStorefrontEvent(value))).toBe('empty message');
  });

  it('refuses an unknown type', () => {
    expect(parseStorefrontEvent(JSON.stringify({ ...envelope(), type: 'screen' })).ok).toBe(false);
  });

  it('refuses a message over 1 MB, counting bytes rather than characters', () => {
    const padding = 'é'.repeat(MAX_EVENT_BYTES / 2); // each é is two bytes in UTF-8
    const value = identify({ note: padding });
    expect(value.length).toBeLessThan(MAX_EVENT_BYTES);
    expect(reasonOf(parseStorefrontEvent(value))).toMatch(/over the 1 MB limit/);
    expect(reasonOf(parseStorefrontEvent(Buffer.from(value)))).toMatch(/over the 1 MB limit/);
  });

  it('accepts a message just under the limit', () => {
    const skeleton = identify({ note: '' });
    const value = identify({ note: 'x'.repeat(MAX_EVENT_BYTES - skeleton.length) });
    expect(Buffer.byteLength(value)).toBe(MAX_EVENT_BYTES);
    expect(parseStorefrontEvent(value).ok).toBe(true);
  });

  it('refuses an unknown context.timezone', () => {
    expect(reasonOf(parseStorefrontEvent(identify({}, { context: { timezone: 'Europe/Atlantis' } })))).toBe(
      'context.timezone: unknown IANA time zone "Europe/Atlantis"',
    );
  });
});

describe('parseStorefrontEvent: track', () => {
  it('refuses a customer event without userId or anonymousId', () => {
    expect(reasonOf(parseStorefrontEvent(track('Product Added', { product_id: 'p1' }, { userId: undefined })))).toBe(
      'userId or anonymousId is required',
    );
  });

  it('accepts Inventory Updated without any customer id, since it is about the catalog', () => {
    const event = eventOf(
      parseStorefrontEvent(track('Inventory Updated', { product_id: 7, quantity: '3' }, { userId: undefined })),
    );
    expect(event.userId).toBeNull();
    expect(event.anonymousId).toBeNull();
    expect(isTrack(event, 'Inventory Updated') && event.properties).toMatchObject({ product_id: '7', quantity: 3 });
  });

  it('keeps an unknown track event with its raw properties', () => {
    const properties = { coupon: 'SPRING', nested: { a: [1, 2] }, Amount: '12' };
    const event = eventOf(
      parseStorefrontEvent(track('Coupon Applied', properties, { userId: undefined, anonymousId: 'a1' })),
    );
    expect(event).toMatchObject({
      type: 'track',
      event: 'Coupon Applied',
      properties,
      anonymousId: 'a1',
      userId: null,
    });
  });

  it('keeps custom events named like members of every object as custom events', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const event = eventOf(parseStorefrontEvent(track(name, { a: 1 })));
      expect(event).toMatchObject({ type: 'track', event: name, properties: { a: 1 } });
    }
  });

  it('defaults missing properties to an empty object', () => {
    const raw = JSON.parse(track('Coupon Applied', {})) as Record<string, unknown>;
    delete raw.properties;
    const event = eventOf(parseStorefrontEvent(JSON.stringify(raw)));
    expect(event.type === 'track' && event.properties).toEqual({});
  });

  it('validates a cart line and defaults its quantity to one', () => {
    const event = eventOf(
      parseStorefrontEvent(track('Product Added', { cart_id: 'c-1', product_id: 'p1', price: 9.9, name: 'Mug' })),
    );
    expect(isTrack(event, 'Product Added') && event.properties).toEqual({
      cart_id: 'c-1',
      product_id: 'p1',
      price: 9.9,
      name: 'Mug',
      quantity: 1,
    });
  });

  it('coerces numeric ids and string prices in a cart snapshot', () => {
    const event = eventOf(
      parseStorefrontEvent(
        track('Cart Viewed', {
          cart_id: 12,
          products: [{ product_id: 7, price: '9.90', quantity: '2', colour: 'red' }],
        }),
      ),
    );
    expect(isTrack(event, 'Cart Viewed') && event.properties).toEqual({
      cart_id: '12',
      products: [{ product_id: '7', price: 9.9, quantity: 2, colour: 'red' }],
    });
  });

  it('refuses a negative quantity in a cart snapshot', () => {
    expect(
      reasonOf(parseStorefrontEvent(track('Cart Viewed', { products: [{ product_id: 'p1', quantity: -1 }] }))),
    ).toMatch(/^Cart Viewed: properties\.products\.0\.quantity: /);
  });

  it('refuses a cart line with neither product_id nor sku', () => {
    expect(reasonOf(parseStorefrontEvent(track('Product Added', { name: 'Mug' })))).toMatch(
      /^Product Added: properties\.product_id: product_id or sku is required/,
    );
  });

  it('refuses Order Completed without order_id, naming properties.order_id', () => {
    expect(reasonOf(parseStorefrontEvent(track('Order Completed', { total: 10 })))).toMatch(
      /^Order Completed: properties\.order_id: /,
    );
  });

  it('accepts Order Completed with a numeric order_id and defaults products to none', () => {
    const event = eventOf(parseStorefrontEvent(track('Order Completed', { order_id: 1001, revenue: '20.5' })));
    expect(isTrack(event, 'Order Completed') && event.properties).toMatchObject({
      order_id: '1001',
      revenue: 20.5,
      products: [],
    });
  });

  it('accepts a push subscription on an https endpoint', () => {
    const event = eventOf(parseStorefrontEvent(track('Push Subscription Created', subscription)));
    expect(isTrack(event, 'Push Subscription Created') && event.properties.endpoint).toBe(subscription.endpoint);
  });

  it('refuses a push subscription on an http endpoint', () => {
    const insecure = { ...subscription, endpoint: 'http://push.example.com/send/abc' };
    expect(reasonOf(parseStorefrontEvent(track('Push Subscription Created', insecure)))).toMatch(
      /^Push Subscription Created: properties\.endpoint: /,
    );
  });

  it('refuses a push subscription without keys', () => {
    expect(
      reasonOf(parseStorefrontEvent(track('Push Subscription Created', { endpoint: subscription.endpoint }))),
    ).toMatch(/properties\.keys/);
  });

  it('defaults Unsubscribed to all channels and refuses an unknown channel', () => {
    const event = eventOf(parseStorefrontEvent(track('Unsubscribed', {})));
    expect(isTrack(event, 'Unsubscribed') && event.properties.channel).toBe('all');
    expect(reasonOf(parseStorefrontEvent(track('Unsubscribed', { channel: 'sms' })))).toMatch(
      /^Unsubscribed: properties\.channel: /,
    );
  });

  it('refuses an empty event name', () => {
    expect(reasonOf(parseStorefrontEvent(track('', {})))).toMatch(/^event: /);
  });
});

describe('isTrack', () => {
  it('matches only a track event of that name', () => {
    const added = eventOf(parseStorefrontEvent(track('Product Added', { product_id: 'p1' })));
    const person = eventOf(parseStorefrontEvent(identify({})));
    expect(isTrack(added, 'Product Added')).toBe(true);
    expect(isTrack(added, 'Product Removed')).toBe(false);
    expect(isTrack(person, 'Product Added')).toBe(false);
  });
});

describe('parseStorefrontEvent: coercion in cart lines', () => {
  it('accepts numeric ids and numeric strings in Product Added, as Segment allows', () => {
    const event = eventOf(
      parseStorefrontEvent(track('Product Added', { product_id: 7, cart_id: 12, price: '9.90', quantity: '2' })),
    );
    expect(event).toMatchObject({ properties: { product_id: '7', cart_id: '12', price: 9.9, quantity: 2 } });
  });
});

describe('parseStorefrontEvent: storable text', () => {
  it('refuses an escaped NUL character, which PostgreSQL jsonb cannot hold', () => {
    const result = parseStorefrontEvent(identify({ first_name: 'A\u0000B' }));
    expect(reasonOf(result)).toMatch(/u0000/);
  });
});

describe('parseStorefrontEvent: only what PostgreSQL can store (issue 10 poison events)', () => {
  it('repairs a lone UTF-16 surrogate in a name to U+FFFD, and hands back the repaired text to store', () => {
    const raw = identify({ first_name: 'Ana\ud800' });
    const result = parseStorefrontEvent(raw);
    if (!result.ok) throw new Error(result.reason);
    expect(result.event.type === 'identify' && result.event.traits.first_name).toBe('Ana\uFFFD');
    expect(result.text).not.toBe(raw);
    expect(JSON.parse(result.text).traits.first_name).toBe('Ana\uFFFD');
  });

  it('hands back the message itself when nothing needed repair', () => {
    const raw = identify({ first_name: 'Ana 🎉' });
    const result = parseStorefrontEvent(raw);
    expect(result.ok && result.text).toBe(raw);
  });

  it.each([
    ['price 1e13', track('Product Added', { product_id: 'p1', price: 1e13 }), /properties\.price/],
    [
      'quantity 1e15',
      track('Product Added', { product_id: 'p1', price: 1000, quantity: 1e15 }),
      /properties\.quantity/,
    ],
    ['total 1e13', track('Order Completed', { order_id: 'o1', total: 1e13 }), /properties\.total/],
    ['stock 3000000000', track('Inventory Updated', { product_id: 'p1', quantity: 3e9 }), /properties\.quantity/],
    ['price [7]', track('Product Added', { product_id: 'p1', price: [7] }), /properties\.price: expected a number/],
    [
      'quantity [2]',
      track('Product Added', { product_id: 'p1', quantity: [2] }),
      /properties\.quantity: expected a number/,
    ],
    ['price true', track('Product Added', { product_id: 'p1', price: true }), /properties\.price/],
    ['price "1e5"', track('Product Added', { product_id: 'p1', price: '1e5' }), /properties\.price/],
    ['year 0', identify({}, { timestamp: '0000-01-01T00:00:00Z' }), /^timestamp: /],
    ['past year 9999 in UTC', identify({}, { timestamp: '9999-12-31T23:59:59-23:59' }), /^timestamp: /],
    ['birthday 0000-02-29', identify({ birthday: '0000-02-29' }), /traits\.birthday/],
    ['a fractional product id', track('Product Added', { product_id: 1.5 }), /properties\.product_id/],
    [
      'a number JavaScript reads as Infinity',
      track('Custom', { n: 1 }).replace('"n":1', '"n":1e400'),
      /properties\.n: number out of range/,
    ],
    ['NUL in a property name', track('Custom', { 'a\u0000': 1 }), /a key contains \\u0000/],
    [
      'properties nested 50,000 deep',
      track('Custom', {}).replace('"properties":{}', `"properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`),
      /nested deeper than 64 levels/,
    ],
  ])('refuses %s', (_label, raw, reason) => {
    expect(reasonOf(parseStorefrontEvent(raw))).toMatch(reason);
  });

  it('accepts the largest amounts and stock the columns hold', () => {
    expect(parseStorefrontEvent(track('Order Completed', { order_id: 'o1', total: 999_999_999_999.99 })).ok).toBe(true);
    expect(parseStorefrontEvent(track('Inventory Updated', { product_id: 'p1', quantity: 2_147_483_647 })).ok).toBe(
      true,
    );
    expect(parseStorefrontEvent(identify({}, { timestamp: '9999-12-31T23:59:59+01:00' })).ok).toBe(true);
  });
});

describe('parseStorefrontEvent: care events (CONTRACT.md §8)', () => {
  it('accepts each with its required properties, numeric ids as strings', () => {
    const accepted = [
      track('Order Delivered', { order_id: 42 }),
      track('Order Refunded', { order_id: 'o-1', reason: 'damaged' }),
      track('Order Cancelled', { order_id: 'o-1' }),
      track('Product Reviewed', { product_id: 'p-1', rating: '2', review_body: 'meh' }),
      track('Complaint Filed', { order_id: 'o-1', reason: 'late' }),
      track('Survey Answered', { score: 0, order_id: 'o-1', dispatch_id: '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11' }),
    ].map((text) => eventOf(parseStorefrontEvent(text)));
    expect(accepted.map((e) => e.type === 'track' && e.event)).toEqual([
      'Order Delivered',
      'Order Refunded',
      'Order Cancelled',
      'Product Reviewed',
      'Complaint Filed',
      'Survey Answered',
    ]);
    expect(isTrack(accepted[0], 'Order Delivered') && accepted[0].properties).toMatchObject({ order_id: '42' });
    expect(isTrack(accepted[3], 'Product Reviewed') && accepted[3].properties).toMatchObject({ rating: 2 });
  });

  it('refuses them malformed, naming the property, so they go to the dead-letter topic', () => {
    expect(reasonOf(parseStorefrontEvent(track('Order Delivered', {})))).toContain('order_id');
    expect(reasonOf(parseStorefrontEvent(track('Order Refunded', { order_id: '' })))).toContain('order_id');
    expect(reasonOf(parseStorefrontEvent(track('Product Reviewed', { product_id: 'p', rating: 6 })))).toContain(
      'rating',
    );
    expect(reasonOf(parseStorefrontEvent(track('Product Reviewed', { rating: 3 })))).toContain('product_id');
    expect(reasonOf(parseStorefrontEvent(track('Survey Answered', { score: 11 })))).toContain('score');
    expect(reasonOf(parseStorefrontEvent(track('Survey Answered', { score: 7.5 })))).toContain('score');
    expect(reasonOf(parseStorefrontEvent(track('Survey Answered', { score: 5, dispatch_id: 'x' })))).toContain(
      'dispatch_id',
    );
  });
});
