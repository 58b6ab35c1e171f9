import { MomentScanner } from '../apps/engine/src/moments/moment-scanner';
import { createRule, daysAgo, dispatchesOf, settle, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

/**
 * Sleeping customer on the real stack: order events carry the customer's real history (an order
 * stamped 100 days ago is 100 days old), the sequence runs once per sleep episode, a new order wakes
 * the customer, and a rule created after the history existed finds the sleepers by scanning.
 */
describe('sleeping customer, end to end', () => {
  let stack: Stack;
  let winBack: { id: string };

  beforeAll(async () => {
    stack = await startStack('sleeping', { SCAN_INTERVAL_MS: '300' });
    winBack = await createRule(stack, {
      name: 'Win back',
      trigger: 'sleeping_customer',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      params: { inactiveDays: 90 },
      steps: [
        {
          after: 'PT0S',
          channels: ['email', 'webpush'],
          email: {
            subject: '{{ customer.first_name }}, we miss you',
            html: '<p>{{ days_inactive }} days since order {{ order.id }}</p><ul>{% for p in recommendations %}<li><a href="{{ p.url }}"><img src="{{ p.image_url }}">{{ p.name }} {{ p.price }}</a></li>{% endfor %}</ul>',
            text: '{% for p in recommendations %}{{ p.name }}; {% endfor %}',
          },
          webpush: { title: 'We miss you', body: '{{ recommendations[0].name }}' },
        },
        {
          after: 'PT3S',
          channels: ['webpush', 'email'],
          webpush: {
            title: 'Still there, {{ customer.first_name }}?',
            body: 'Your favourite: {{ recommendations[0].name }}',
            url: '{{ recommendations[0].url }}',
          },
          email: { subject: 'Last call', text: 'x' },
        },
      ],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const order = (userId: string, orderId: string, at: Date, products: string[]) =>
    track(
      { userId },
      'Order Completed',
      { order_id: orderId, total: 10, currency: 'EUR', products: products.map((id) => product(id, 7.5)) },
      at,
    );

  it('puts a customer whose last order was stamped 100 days ago to sleep at once, once per episode', async () => {
    const subscription = stack.push.subscribe('sleepy');
    const lastOrderAt = daysAgo(100);
    await stack.produce([
      identify({ userId: 'u-sleepy' }, { email: 'sam@example.com', first_name: 'Sam' }, daysAgo(130)),
      track(
        { userId: 'u-sleepy' },
        'Push Subscription Created',
        { endpoint: subscription.endpoint, keys: subscription.keys },
        daysAgo(130),
      ),
      order('u-sleepy', 'o-old', daysAgo(120), ['tea', 'mug']),
      order('u-sleepy', 'o-last', lastOrderAt, ['tea']),
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('sam@example.com'), 30000);
    expect(mail.subject).toBe('Sam, we miss you');
    expect(mail.html).toContain('100 days since order o-last');
    // Bought twice, so first; then the rest of the history.
    expect(mail.html).toMatch(/Product tea 7\.5[\s\S]*Product mug 7\.5/);
    expect(mail.html).toContain('src="https://shop.example.com/img/tea.jpg"');

    const pushed = await stack.push.waitFor((p) => p.subscriptionId === 'sleepy', 30000);
    expect(pushed.json).toMatchObject({
      title: 'Still there, Sam?',
      body: 'Your favourite: Product tea',
      url: 'https://shop.example.com/p/tea',
    });

    const occasion = `sleep:${lastOrderAt.toISOString()}`;
    const sent = await eventually(async () => {
      const rows = (await dispatchesOf(stack, winBack.id)).filter((d) => d.customer_id === 'u-sleepy');
      return rows.length === 2 && rows.every((d) => d.status === 'sent') ? rows : undefined;
    });
    expect(sent.map((d) => [d.occasion, d.step, d.channel])).toEqual([
      [occasion, 0, 'email'],
      [occasion, 1, 'webpush'],
    ]);

    // An older order arriving late changes no episode; scanning again finds nothing new.
    await stack.produce([order('u-sleepy', 'o-older', daysAgo(200), ['spoon'])]);
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM orders WHERE id = 'o-older'`)).rowCount === 1);
    await stack.engine.get(MomentScanner).scanAll();
    await settle();
    expect((await dispatchesOf(stack, winBack.id)).filter((d) => d.customer_id === 'u-sleepy')).toHaveLength(2);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('sam@example.com'))).toHaveLength(1);
  });

  it('ends the running sequence when a new order wakes the customer', async () => {
    await stack.produce([
      identify({ userId: 'u-wakes' }, { email: 'wes@example.com', first_name: 'Wes' }, daysAgo(100)),
      order('u-wakes', 'o-w1', daysAgo(95), ['beans']),
    ]);
    await stack.smtp.waitFor((m) => m.envelope.to.includes('wes@example.com'), 30000);
    await stack.produce([order('u-wakes', 'o-w2', new Date(), ['beans'])]);

    const rows = await eventually(async () => {
      const list = (await dispatchesOf(stack, winBack.id)).filter((d) => d.customer_id === 'u-wakes');
      return list.length === 2 && list[1].status === 'suppressed' ? list : undefined;
    });
    expect(rows.map((d) => [d.step, d.status, d.reason])).toEqual([
      [0, 'sent', null],
      [1, 'suppressed', 'woke_up'],
    ]);
    await settle(3500);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('wes@example.com'))).toHaveLength(1);
    // Awake now: the new episode is 90 days away and not scheduled yet.
    expect(
      (await dispatchesOf(stack, winBack.id)).filter((d) => d.customer_id === 'u-wakes' && d.status === 'scheduled'),
    ).toEqual([]);
  });

  it('finds one-time buyers who fell asleep before the rule existed (maxOrders: 1)', async () => {
    await stack.produce([
      identify({ userId: 'b-once' }, { email: 'once@example.com', first_name: 'Olga' }, daysAgo(96)),
      order('b-once', 'o-b1', daysAgo(95), ['mug']),
      identify({ userId: 'b-twice' }, { email: 'twice@example.com' }, daysAgo(200)),
      order('b-twice', 'o-b2', daysAgo(150), ['mug']),
      order('b-twice', 'o-b3', daysAgo(95), ['mug']),
      identify({ userId: 'b-recent' }, { email: 'recent@example.com' }, daysAgo(20)),
      order('b-recent', 'o-b4', daysAgo(10), ['mug']),
    ]);
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM orders WHERE id = 'o-b4'`)).rowCount === 1);

    const oneTimers = await createRule(stack, {
      name: 'One-time buyers',
      trigger: 'sleeping_customer',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      params: { inactiveDays: 90, maxOrders: 1 },
      steps: [
        { after: 'PT0S', channels: ['email'], email: { subject: 'Come back, {{ customer.first_name }}', text: 'x' } },
      ],
    });
    const mail = await stack.smtp.waitFor((m) => m.subject === 'Come back, Olga', 30000);
    expect(mail.envelope.to).toEqual(['once@example.com']);
    await settle();
    expect((await dispatchesOf(stack, oneTimers.id)).map((d) => [d.customer_id, d.status])).toEqual([
      ['b-once', 'sent'],
    ]);
    const { rows } = await stack.db.query(`SELECT cursor_at FROM moment_scans WHERE rule_id = $1`, [oneTimers.id]);
    expect(rows).toHaveLength(1);
  });
});
