import { Analytics } from '@segment/analytics-node';
import { startStack, Stack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

const SOURCE_KEY = 'test-source-key';
const SHOP = 'https://shop.example.com';
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/**
 * The shop's edge (CONTRACT.md §5): Segment's own Node client pointed at Beckon by `host` alone,
 * write keys that may only send what a browser may say, CORS for the shop's origin. Everything real:
 * Kafka, the engine, PostgreSQL, the email service and an SMTP server.
 */
describe('Segment-compatible intake with write keys', () => {
  let stack: Stack;

  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: basic(SOURCE_KEY) }) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const storedMessageIds = async (customerId: string): Promise<string[]> =>
    (
      await stack.db.query<{ message_id: string }>(`SELECT message_id FROM customer_events WHERE customer_id = $1`, [
        customerId,
      ])
    ).rows.map((row) => row.message_id);

  beforeAll(async () => {
    stack = await startStack('segment_intake', {
      API_KEYS: `marketer:test-marketer-key,ops:test-ops-key,source:${SOURCE_KEY}`,
      CORS_ORIGINS: SHOP,
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('takes @segment/analytics-node’s identify and Product Added, projects them and sends the cart reminder', async () => {
    const rule = await stack.v1('/rules', 'POST', {
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      params: { minCartValue: 0 },
      steps: [
        {
          after: 'PT1S',
          channels: ['email'],
          email: { subject: '{{ customer.first_name }}, your cart', html: '{{ cart.items[0].name }}', text: 'cart' },
        },
      ],
    });
    expect(rule.status).toBe(201);

    const analytics = new Analytics({ writeKey: SOURCE_KEY, host: stack.apiUrl, flushInterval: 50, maxRetries: 0 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.identify({
      userId: 'u-seg',
      anonymousId: 'browser-1',
      traits: { email: 'grace@example.com', firstName: 'Grace' },
    });
    analytics.track({
      userId: 'u-seg',
      event: 'Product Added',
      properties: { cart_id: 'c-seg', ...product('kettle', 30, { name: 'Kettle' }) },
    });
    await analytics.closeAndFlush();
    expect(failures).toEqual([]);

    const customer = await eventually(async () => {
      const { rows } = await stack.db.query(`SELECT email, first_name FROM customers WHERE id = 'u-seg'`);
      return rows[0];
    });
    expect(customer).toEqual({ email: 'grace@example.com', first_name: 'Grace' });
    const cart = await eventually(async () => {
      const { rows } = await stack.db.query(`SELECT customer_id FROM carts WHERE id = 'c-seg'`);
      return rows[0];
    });
    expect(cart).toEqual({ customer_id: 'u-seg' });
    // Through Kafka and into the timeline, marked as a write key's.
    const { rows: stored } = await stack.db.query(
      `SELECT type, payload->'context'->'beckon'->>'source' AS source FROM customer_events WHERE customer_id = 'u-seg' ORDER BY type`,
    );
    expect(stored).toEqual([
      { type: 'identify', source: 'untrusted' },
      { type: 'track', source: 'untrusted' },
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('grace@example.com'), 30000);
    expect(mail.subject).toBe('Grace, your cart');
    expect(mail.html).toContain('Kettle');
  });

  it('never lets a write key change a known customer’s contact traits, while page views count as activity', async () => {
    await stack.produce([identify({ userId: 'u-known' }, { email: 'ada@example.com', first_name: 'Ada' })]);
    await eventually(async () => (await storedMessageIds('u-known')).length === 1);
    const seen = new Date(Date.now() + 60_000).toISOString();
    const answer = await post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u-known', traits: { email: 'evil@example.com', first_name: 'Eve', phone: '1' } },
        { type: 'page', messageId: 'page-known', userId: 'u-known', name: 'Account', timestamp: seen },
      ],
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ success: true });
    await eventually(async () => (await storedMessageIds('u-known')).includes('page-known'));
    const { rows } = await stack.db.query(`SELECT email, first_name, last_seen_at FROM customers WHERE id = 'u-known'`);
    expect(rows[0]).toEqual({ email: 'ada@example.com', first_name: 'Ada', last_seen_at: new Date(seen) });
  });

  it('merges the visitor an alias names into the user', async () => {
    await post('/v1/track', {
      anonymousId: 'browser-9',
      event: 'Product Added',
      properties: { cart_id: 'c-9', ...product('mug', 9) },
    });
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM carts WHERE id = 'c-9'`)).rowCount === 1);
    expect((await post('/v1/alias', { previousId: 'browser-9', userId: 'u-alias' })).status).toBe(200);
    await eventually(
      async () =>
        (await stack.db.query(`SELECT 1 FROM carts WHERE id = 'c-9' AND customer_id = 'u-alias'`)).rowCount === 1,
    );
  });

  it('refuses a write key everywhere but the intake', async () => {
    for (const [method, path] of [
      ['GET', '/v1/rules'],
      ['POST', '/v1/rules'],
      ['GET', '/v1/dispatches'],
      ['GET', '/v1/customers/u-seg'],
    ]) {
      const answer = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': SOURCE_KEY },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect([path, answer.status]).toEqual([path, 403]);
      expect(((await answer.json()) as { message: string }).message).toBe('a source (write) key may only send events');
    }
    // Basic auth is Segment's, on Segment's paths only.
    expect(
      (await fetch(`${stack.apiUrl}/v1/rules`, { headers: { authorization: basic('test-marketer-key') } })).status,
    ).toBe(401);
  });

  it('refuses, whole, a batch in which a write key sends an order, naming it', async () => {
    const view = track({ userId: 'u-order' }, 'Product Viewed', product('lamp', 40));
    const order = track({ userId: 'u-order' }, 'Order Completed', { order_id: 'o-9', total: 40 });
    for (const [path, body] of [
      ['/v1/batch', { batch: [view, order] }],
      ['/v1/events', { batch: [view, order] }],
    ] as const) {
      const answer = await post(path, body, { 'x-api-key': SOURCE_KEY });
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as { message: string }).message).toContain(
        'may not send Order Completed (batch.1)',
      );
    }
    // The same batch with the marketer's key is taken; the view refused above was not.
    const sentinel = track({ userId: 'u-order' }, 'Product Viewed', product('desk', 90));
    expect((await post('/v1/batch', { batch: [sentinel] }, { 'x-api-key': 'test-marketer-key' })).status).toBe(200);
    await eventually(async () => (await storedMessageIds('u-order')).includes(sentinel.messageId));
    expect(await storedMessageIds('u-order')).toEqual([sentinel.messageId]);
  });

  it('answers 400, taking nothing, for an event over 32 KB, a batch over 500 KB and a body that is not JSON', async () => {
    const event = (bytes: number) => track({ userId: 'u-big' }, 'Wishlist Opened', { note: 'x'.repeat(bytes) });
    const tooLarge = await post('/v1/batch', { batch: [event(10), event(33_000)] });
    expect(tooLarge.status).toBe(400);
    expect(((await tooLarge.json()) as { message: string }).message).toMatch(
      /^batch\.1 is \d+ bytes, over the 32768-byte limit/,
    );

    const batch = await post('/v1/batch', { batch: Array.from({ length: 17 }, () => event(31_000)) });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { message: string }).message).toMatch(/over the 512000-byte limit of a batch/);
    const huge = await post('/v1/batch', { batch: Array.from({ length: 200 }, () => event(31_000)) });
    expect(huge.status).toBe(400);

    const notJson = await post('/v1/batch', '{"batch": [', { authorization: basic(SOURCE_KEY) });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toMatch(/JSON/);

    const sentinel = track({ userId: 'u-big' }, 'Product Viewed', product('desk', 90));
    await post('/v1/events', sentinel, { 'x-api-key': SOURCE_KEY });
    await eventually(async () => (await storedMessageIds('u-big')).includes(sentinel.messageId));
    expect(await storedMessageIds('u-big')).toEqual([sentinel.messageId]);
  });

  it('takes the key as HTTP Basic, as writeKey or as X-API-Key, and analytics.js’s text/plain body', async () => {
    const call = { userId: 'u-auth', event: 'Product Viewed', properties: { sku: 'a' } };
    expect((await post('/v1/track', call)).status).toBe(200);
    expect((await post('/v1/track', { ...call, writeKey: SOURCE_KEY }, {})).status).toBe(200);
    expect((await post('/v1/track', call, { 'x-api-key': SOURCE_KEY })).status).toBe(200);
    const text = await fetch(`${stack.apiUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: basic(SOURCE_KEY) },
      body: JSON.stringify({ batch: [{ ...call, type: 'track' }] }),
    });
    expect(text.status).toBe(200);
    expect((await post('/v1/track', call, {})).status).toBe(401);
    expect((await post('/v1/track', { ...call, writeKey: 'wrong' }, {})).status).toBe(401);
    expect((await post('/v1/track', call, { authorization: basic('wrong') })).status).toBe(401);
    await eventually(async () => (await storedMessageIds('u-auth')).length === 4);
  });

  it('repairs a lone surrogate as POST /v1/events does, rather than refusing the call', async () => {
    const answer = await post('/v1/track', { userId: 'u-text', event: 'Searched', properties: { query: 'caf\ud800' } });
    expect(answer.status).toBe(200);
    await eventually(async () => (await storedMessageIds('u-text')).length === 1);
  });

  it('lets the shop’s origin call the intake from a browser, preflight included, and nobody else', async () => {
    const preflight = (origin: string, path = '/v1/batch') =>
      fetch(`${stack.apiUrl}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const listed = await preflight(SHOP);
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(listed.headers.get('vary')).toContain('Origin');
    expect(listed.headers.get('access-control-allow-headers')).toContain('Authorization');

    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(SHOP, '/v1/rules')).headers.get('access-control-allow-origin')).toBeNull();

    // The call itself: the origin is named, and auth is as strict as ever.
    const sent = await post('/v1/page', { anonymousId: 'b-cors' }, { origin: SHOP, authorization: basic(SOURCE_KEY) });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('access-control-allow-origin')).toBe(SHOP);
    const unauthorised = await post('/v1/page', { anonymousId: 'b-cors' }, { origin: SHOP });
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('access-control-allow-origin')).toBe(SHOP);
  });
});
