import { Client } from 'pg';
import { PushEndpoint } from './support/push-endpoint';
import { SmtpSink } from './support/smtp-sink';
import { startStack, Stack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

/**
 * The walking skeleton's key scenario, every part real: storefront events through Kafka into the
 * engine, a rule created over REST, reminders out through the email and web-push services to a real
 * SMTP server and a real HTTPS push endpoint.
 */
describe('abandoned cart, end to end', () => {
  let stack: Stack;
  let smtp: SmtpSink;
  let push: PushEndpoint;
  let db: Client;

  const v1 = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.apiUrl}/v1${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', 'x-api-key': 'test-marketer-key', ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    stack = await startStack('abandoned_cart');
    ({ smtp, push, db } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reminds a known customer by email, an anonymous visitor by push, and nobody who ordered', async () => {
    const created = await v1('/rules', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Cart reminder',
        trigger: 'abandoned_cart',
        // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
        tracking: { clicks: false, opens: false },
        params: { minCartValue: 0 },
        steps: [
          {
            after: 'PT2S',
            channels: ['email', 'webpush'],
            email: {
              subject: '{{ customer.first_name }}, your cart is waiting',
              html: '<ul>{% for item in cart.items %}<li>{{ item.name }} × {{ item.quantity }}</li>{% endfor %}</ul>',
              text: '{{ cart.item_count }} items',
            },
            webpush: {
              title: 'Still thinking?',
              body: '{{ cart.items | size }} items in your cart',
              url: '{{ cart.url }}',
            },
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const rule = (await created.json()) as { id: string };

    const subscription = push.subscribe('visitor');
    await stack.produce([
      identify({ userId: 'u-known' }, { email: 'ada@example.com', first_name: 'Ada' }),
      track({ userId: 'u-known' }, 'Product Added', {
        cart_id: 'c-known',
        ...product('beans', 12.5, { name: 'Espresso <beans>' }),
      }),
      track({ anonymousId: 'visitor-1' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
        expiration_time: null,
      }),
      track({ anonymousId: 'visitor-1' }, 'Product Added', { cart_id: 'c-visitor', ...product('mug', 9) }),
      track({ anonymousId: 'visitor-1' }, 'Product Added', { cart_id: 'c-visitor', ...product('filter', 4) }),
      identify({ userId: 'u-buyer' }, { email: 'buyer@example.com', first_name: 'Bo' }),
      track({ userId: 'u-buyer' }, 'Product Added', { cart_id: 'c-buyer', ...product('grinder', 99) }),
    ]);
    await eventually(
      async () => (await db.query(`SELECT 1 FROM dispatches WHERE occasion = 'cart:c-buyer'`)).rowCount === 1,
    );
    await stack.produce([
      track({ userId: 'u-buyer' }, 'Order Completed', {
        order_id: 'o-1',
        cart_id: 'c-buyer',
        total: 99,
        products: [product('grinder', 99)],
      }),
    ]);

    const mail = await smtp.waitFor((m) => m.envelope.to.includes('ada@example.com'), 30000);
    expect(mail.subject).toBe('Ada, your cart is waiting');
    expect(mail.html).toContain('Espresso &lt;beans&gt; × 1');
    expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/shop\.example\.com\/u\/[\w-]+\.[\w-]+>/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    const received = await push.waitFor((p) => p.subscriptionId === 'visitor', 30000);
    expect(received.json).toMatchObject({
      title: 'Still thinking?',
      body: '2 items in your cart',
      url: 'https://shop.example.com/p/mug',
    });
    expect(received.vapid.aud).toBe(push.origin);
    expect(received.headers.ttl).toBeGreaterThan(0);

    const sent = await eventually(
      async () => {
        const response = await v1(`/dispatches?ruleId=${rule.id}&status=sent`);
        const body = (await response.json()) as { items: Array<{ customerId: string; channel: string }> };
        return body.items.length === 2 ? body.items : undefined;
      },
      20000,
      'two sent dispatches in the log',
    );
    expect(sent.map((d) => `${d.customerId}:${d.channel}`).sort()).toEqual(['anon:visitor-1:webpush', 'u-known:email']);

    const buyer = await v1(`/dispatches?customerId=u-buyer`);
    const buyerLog = (await buyer.json()) as { items: Array<{ status: string; reason: string }> };
    expect(buyerLog.items).toEqual([expect.objectContaining({ status: 'suppressed', reason: 'order_completed' })]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('buyer@example.com'))).toHaveLength(0);
    expect(smtp.messages).toHaveLength(1);
    expect(push.received).toHaveLength(1);
  });
});
