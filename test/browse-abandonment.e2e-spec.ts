import { createRule, dispatchesOf, LoggedDispatch, settle, Stack, startStack } from './support/stack';
import { catalogTrack, eventually, identify, product, track, Who } from './support/storefront';

/**
 * Browse abandonment on the real stack: product views through Kafka into the timeline, the reminder
 * out through the email and web-push services to a real SMTP server and a real push endpoint.
 */
describe('browse abandonment, end to end', () => {
  let stack: Stack;
  let rule: { id: string };

  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const viewed = (who: Who, id: string, at: Date) =>
    track(who, 'Product Viewed', product(id, 10, { name: `Product ${id}` }), at);
  const mailsTo = (address: string) => stack.smtp.messages.filter((m) => m.envelope.to.includes(address));
  const logOf = async (customerId: string): Promise<LoggedDispatch[]> =>
    (await dispatchesOf(stack, rule.id)).filter((d) => d.customer_id === customerId);
  const logged = (customerId: string, status: string) =>
    eventually(
      async () => (await logOf(customerId)).find((d) => d.status === status),
      30000,
      `a ${status} dispatch for ${customerId}`,
    );

  beforeAll(async () => {
    stack = await startStack('browse_abandonment');
    rule = await createRule(stack, {
      name: 'Still looking?',
      trigger: 'browse_abandonment',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      params: { minViews: 2, cooldown: 'P7D' },
      steps: [
        {
          after: 'PT2S',
          channels: ['email', 'webpush'],
          email: {
            subject: 'Still thinking about {{ product.name }}?',
            html: '<ol>{% for p in products %}<li>{{ p.name }}</li>{% endfor %}</ol>',
            text: '{{ products | map: "name" | join: ", " }}',
          },
          webpush: {
            title: 'Still thinking about {{ product.name }}?',
            body: '{{ products | size }} products',
            url: '{{ product.url }}',
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reminds a visit of three views with its three products, most recent first, and not a single view', async () => {
    await stack.produce([
      identify({ userId: 'u-three' }, { email: 'three@example.com' }),
      viewed({ userId: 'u-three' }, 'a', secondsAgo(3)),
      viewed({ userId: 'u-three' }, 'b', secondsAgo(2)),
      viewed({ userId: 'u-three' }, 'c', secondsAgo(1)),
      identify({ userId: 'u-once' }, { email: 'once@example.com' }),
      viewed({ userId: 'u-once' }, 'a', secondsAgo(1)),
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('three@example.com'), 30000);
    expect(mail.subject).toBe('Still thinking about Product c?');
    expect(mail.text).toContain('Product c, Product b, Product a');
    expect(mail.html).toContain('<ol><li>Product c</li><li>Product b</li><li>Product a</li></ol>');
    await logged('u-three', 'sent');
    await settle();
    expect(mailsTo('three@example.com')).toHaveLength(1);
    // One view is below minViews: 2, so nothing was even scheduled.
    expect(await logOf('u-once')).toEqual([]);
    expect(mailsTo('once@example.com')).toHaveLength(0);
  });

  it('ends the reminder when a viewed product goes into the cart', async () => {
    await stack.produce([
      identify({ userId: 'u-cart' }, { email: 'cart@example.com' }),
      viewed({ userId: 'u-cart' }, 'a', secondsAgo(1)),
      viewed({ userId: 'u-cart' }, 'b', new Date()),
    ]);
    await logged('u-cart', 'scheduled');
    await stack.produce([track({ userId: 'u-cart' }, 'Product Added', { cart_id: 'c-cart', ...product('b', 10) })]);

    expect(await logged('u-cart', 'suppressed')).toMatchObject({ reason: 'added_to_cart', step: 0 });
    await settle(3000);
    expect(mailsTo('cart@example.com')).toHaveLength(0);
  });

  it('leaves sold-out products out, and ends a visit whose products all sold out', async () => {
    await stack.produce([
      catalogTrack('Inventory Updated', { product_id: 'gone-1', quantity: 0 }),
      catalogTrack('Inventory Updated', { product_id: 'gone-2', quantity: 0 }),
      catalogTrack('Inventory Updated', { product_id: 'kept', quantity: 4 }),
    ]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM products WHERE stock IS NOT NULL`)).rowCount === 3,
    );
    await stack.produce([
      identify({ userId: 'u-stock' }, { email: 'stock@example.com' }),
      viewed({ userId: 'u-stock' }, 'kept', secondsAgo(2)),
      viewed({ userId: 'u-stock' }, 'gone-1', secondsAgo(1)),
      identify({ userId: 'u-empty' }, { email: 'empty@example.com' }),
      viewed({ userId: 'u-empty' }, 'gone-1', secondsAgo(2)),
      viewed({ userId: 'u-empty' }, 'gone-2', secondsAgo(1)),
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('stock@example.com'), 30000);
    expect(mail.text).toContain('Product kept');
    expect(mail.text).not.toContain('gone');
    expect(await logged('u-empty', 'suppressed')).toMatchObject({ reason: 'sold_out' });
    expect(mailsTo('empty@example.com')).toHaveLength(0);
  });

  it('sends one reminder per cooldown: a second visit within it is suppressed `cooldown`', async () => {
    await stack.produce([
      identify({ userId: 'u-again' }, { email: 'again@example.com' }),
      viewed({ userId: 'u-again' }, 'a', secondsAgo(2 * 3600 + 60)),
      viewed({ userId: 'u-again' }, 'b', secondsAgo(2 * 3600)),
    ]);
    await stack.smtp.waitFor((m) => m.envelope.to.includes('again@example.com'), 30000);
    await logged('u-again', 'sent');

    // Two hours later: a visit of its own (the gap is far over 30 minutes), inside the cooldown.
    await stack.produce([
      viewed({ userId: 'u-again' }, 'c', secondsAgo(1)),
      viewed({ userId: 'u-again' }, 'd', new Date()),
    ]);
    expect(await logged('u-again', 'suppressed')).toMatchObject({ reason: 'cooldown', step: 0 });
    const log = await logOf('u-again');
    expect(new Set(log.map((d) => d.occasion)).size).toBe(2);
    await settle();
    expect(mailsTo('again@example.com')).toHaveLength(1);
  });

  it('reminds an anonymous visitor with a push subscription by push', async () => {
    const subscription = stack.push.subscribe('browser');
    await stack.produce([
      track({ anonymousId: 'browser-1' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
      }),
      viewed({ anonymousId: 'browser-1' }, 'x', secondsAgo(2)),
      viewed({ anonymousId: 'browser-1' }, 'y', secondsAgo(1)),
    ]);

    const received = await stack.push.waitFor((p) => p.subscriptionId === 'browser', 30000);
    expect(received.json).toMatchObject({
      title: 'Still thinking about Product y?',
      body: '2 products',
      url: 'https://shop.example.com/p/y',
    });
    expect(await logged('anon:browser-1', 'sent')).toMatchObject({ channel: 'webpush' });
  });

  it('reminds a visitor who signed in after browsing by email, with what they viewed before', async () => {
    await stack.produce([
      viewed({ anonymousId: 'signer' }, 'p', secondsAgo(1)),
      viewed({ anonymousId: 'signer' }, 'q', new Date()),
    ]);
    // The views stay on the anonymous id in the timeline; the waiting step moves to the user.
    await logged('anon:signer', 'scheduled');
    await stack.produce([identify({ userId: 'u-signed', anonymousId: 'signer' }, { email: 'signed@example.com' })]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('signed@example.com'), 30000);
    expect(mail.text).toContain('Product q, Product p');
    expect(await logged('u-signed', 'sent')).toMatchObject({ channel: 'email' });
  });

  it('previews the latest visit', async () => {
    const preview = await stack.v1(`/rules/${rule.id}/preview`, 'POST', { customerId: 'u-three' });
    expect(preview.status).toBe(200);
    expect(preview.json.email.subject).toBe('Still thinking about Product c?');
    expect(preview.json.data.products.map((p: { product_id: string }) => p.product_id)).toEqual(['c', 'b', 'a']);
    expect(preview.json.data.product).toMatchObject({ product_id: 'c', url: 'https://shop.example.com/p/c' });
  });
});
