import { createRule, daysAgo, dispatchesOf, settle, Stack, startStack } from './support/stack';
import { eventually, identify, product, track } from './support/storefront';

/**
 * Consumable reorder on the real stack: every product of an order starts a clock of its
 * replenishment_days (else defaultDays), the reminder goes out leadDays before it runs out, and
 * buying the product again restarts the clock and cancels the pending reminder.
 */
describe('consumable reorder, end to end', () => {
  let stack: Stack;
  let refill: { id: string };

  const order = (userId: string, orderId: string, at: Date, products: Array<Record<string, unknown>>) =>
    track({ userId }, 'Order Completed', { order_id: orderId, total: 30, products }, at);

  beforeAll(async () => {
    stack = await startStack('reorder', { SCAN_INTERVAL_MS: '300' });
    refill = await createRule(stack, {
      name: 'Time to refill',
      trigger: 'consumable_reorder',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      params: { defaultDays: 30, leadDays: 2 },
      steps: [
        {
          after: 'PT0S',
          channels: ['email'],
          email: {
            subject: 'Time to reorder, {{ customer.first_name }}',
            html: '<p>Order {{ order.id }}</p><ul>{% for p in products %}<li><a href="{{ p.url }}"><img src="{{ p.image_url }}">{{ p.name }} {{ p.price }}</a></li>{% endfor %}</ul>',
          },
        },
        {
          after: 'PT2S',
          channels: ['webpush'],
          webpush: {
            title: 'Running low on {{ product.name }}?',
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

  it('reminds leadDays before the supply runs out, in one message for products bought together', async () => {
    const subscription = stack.push.subscribe('rita');
    await stack.produce([
      identify({ userId: 'rita' }, { email: 'rita@example.com', first_name: 'Rita' }, daysAgo(40)),
      track(
        { userId: 'rita' },
        'Push Subscription Created',
        { endpoint: subscription.endpoint, keys: subscription.keys },
        daysAgo(40),
      ),
      order('rita', 'o-r1', daysAgo(28), [
        product('filters', 4),
        product('beans', 12, { replenishment_days: 30 }),
        product('descaler', 9, { replenishment_days: 90 }),
      ]),
    ]);

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('rita@example.com'), 30000);
    expect(mail.subject).toBe('Time to reorder, Rita');
    expect(mail.html).toContain('Order o-r1');
    expect(mail.html).toContain(
      '<a href="https://shop.example.com/p/beans"><img src="https://shop.example.com/img/beans.jpg">Product beans 12</a>',
    );
    expect(mail.html).toContain('Product filters 4');
    expect(mail.html).not.toContain('descaler');

    const pushed = await stack.push.waitFor((p) => p.subscriptionId === 'rita', 30000);
    expect(pushed.json).toMatchObject({ body: '2 products' });
    await settle();
    // Whichever product's step went first carries the reminder; the other was combined into it.
    const log = (await dispatchesOf(stack, refill.id)).map((d) => [d.occasion, d.step, d.status, d.reason]);
    const lead = log.find(([, , status]) => status === 'sent')![0] as string;
    const other = lead === 'reorder:beans:o-r1' ? 'reorder:filters:o-r1' : 'reorder:beans:o-r1';
    expect(log).toEqual(
      [
        [lead, 0, 'sent', null],
        [lead, 1, 'sent', null],
        [other, 0, 'suppressed', 'combined'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('rita@example.com'))).toHaveLength(1);
  });

  it('cancels the pending reminder when the product is bought again, and restarts its clock', async () => {
    // Due in a few seconds: 28 days after a purchase made 28 days ago less 4 seconds.
    const almostDue = new Date(daysAgo(28).getTime() + 4000);
    await stack.produce([
      identify({ userId: 'rob' }, { email: 'rob@example.com', first_name: 'Rob' }, daysAgo(40)),
      order('rob', 'o-b1', almostDue, [product('capsules', 5)]),
    ]);
    await eventually(async () => (await dispatchesOf(stack, refill.id)).some((d) => d.customer_id === 'rob'));
    await stack.produce([order('rob', 'o-b2', new Date(), [product('capsules', 5)])]);

    const rows = await eventually(async () => {
      const list = (await dispatchesOf(stack, refill.id)).filter((d) => d.customer_id === 'rob');
      return list.every((d) => d.status === 'suppressed') ? list : undefined;
    });
    expect(rows.map((d) => [d.occasion, d.step, d.reason])).toEqual([['reorder:capsules:o-b1', 0, 'reordered']]);
    const clock = await stack.db.query(`SELECT order_id FROM reorder_clocks WHERE customer_id = 'rob'`);
    expect(clock.rows).toEqual([{ order_id: 'o-b2' }]);
    await settle(5000);
    expect(stack.smtp.messages.filter((m) => m.envelope.to.includes('rob@example.com'))).toHaveLength(0);
  });

  it('finds clocks coming due for a rule created after the purchases, but not supplies that already ran out', async () => {
    await stack.produce([
      identify({ userId: 'dan' }, { email: 'dan@example.com' }, daysAgo(40)),
      order('dan', 'o-d1', daysAgo(19), [product('soap', 3)]),
      identify({ userId: 'dora' }, { email: 'dora@example.com' }, daysAgo(40)),
      order('dora', 'o-d2', daysAgo(25), [product('soap', 3)]),
      identify({ userId: 'dirk' }, { email: 'dirk@example.com' }, daysAgo(40)),
      order('dirk', 'o-d3', daysAgo(9), [product('wipes', 2, { replenishment_days: 10 })]),
    ]);
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM orders WHERE id = 'o-d3'`)).rowCount === 1);

    const shortCycle = await createRule(stack, {
      name: 'Short cycle',
      trigger: 'consumable_reorder',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      params: { defaultDays: 20, leadDays: 1 },
      steps: [{ after: 'PT0S', channels: ['email'], email: { subject: 'Short cycle: {{ product.name }}', text: 'x' } }],
    });
    await eventually(async () => stack.smtp.messages.filter((m) => m.subject?.startsWith('Short cycle')).length === 2);
    await settle();
    expect((await dispatchesOf(stack, shortCycle.id)).map((d) => [d.customer_id, d.occasion, d.status])).toEqual([
      ['dan', 'reorder:soap:o-d1', 'sent'],
      ['dirk', 'reorder:wipes:o-d3', 'sent'],
    ]);
  });
});
