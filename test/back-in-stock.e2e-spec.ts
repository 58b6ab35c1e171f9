import { RestockFanoutWorker } from '../apps/engine/src/restock/restock-fanout.worker';
import { createRule, dispatchesOf, settle, Stack, startStack } from './support/stack';
import { catalogTrack, eventually, identify, product, track } from './support/storefront';

const WAITING = 2500;

/**
 * Back in stock on the real stack. The fan-out's poll is switched off here so each test decides when
 * a batch runs: that is what makes "sold out again mid-way" deterministic.
 */
describe('back in stock, end to end', () => {
  let stack: Stack;
  let rule: { id: string };
  let fanout: RestockFanoutWorker;

  const inventory = (productId: string, quantity: number) =>
    catalogTrack('Inventory Updated', { product_id: productId, sku: `SKU-${productId}`, quantity });
  const stockOf = async (productId: string) =>
    (await stack.db.query(`SELECT stock FROM products WHERE id = $1`, [productId])).rows[0]?.stock as
      number | undefined;
  const jobOf = async (productId: string) =>
    (await stack.db.query(`SELECT status, scheduled, cursor FROM restock_fanouts WHERE product_id = $1`, [productId]))
      .rows[0] as { status: string; scheduled: number; cursor: string } | undefined;
  const mailsTo = (address: string) => stack.smtp.messages.filter((m) => m.envelope.to.includes(address));

  beforeAll(async () => {
    stack = await startStack('back_in_stock', { RESTOCK_POLL_MS: '3600000' });
    fanout = stack.engine.get(RestockFanoutWorker);
    rule = await createRule(stack, {
      name: 'Back in stock',
      trigger: 'back_in_stock',
      // The messages' links as written: tracking them is test/engagement.e2e-spec.ts's subject.
      tracking: { clicks: false, opens: false },
      steps: [
        {
          after: 'PT0S',
          channels: ['email', 'webpush'],
          email: {
            subject: '{{ product.name }} is back',
            html: '<a href="{{ product.url }}"><img src="{{ product.image_url }}">{{ product.name }} for {{ product.price }}</a>',
          },
          webpush: {
            title: '{{ product.name }} is back',
            body: 'Now {{ product.price }}',
            url: '{{ product.url }}',
            icon: '{{ product.image_url }}',
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('notifies every waiting customer once when the product returns, then closes their requests', async () => {
    const subscription = stack.push.subscribe('kettle-visitor');
    await stack.produce([
      track({ userId: 'k1' }, 'Product Viewed', product('kettle', 49.9, { name: 'Copper kettle' })),
      inventory('kettle', 0),
      identify({ userId: 'k1' }, { email: 'k1@example.com' }),
      track({ userId: 'k1' }, 'Back In Stock Requested', { product_id: 'kettle', sku: 'SKU-kettle' }),
      track({ userId: 'k1' }, 'Back In Stock Requested', { product_id: 'kettle', sku: 'SKU-kettle' }),
      identify({ userId: 'k2' }, { email: 'k2@example.com' }),
      track({ userId: 'k2' }, 'Back In Stock Requested', { product_id: 'kettle' }),
      track({ anonymousId: 'kv' }, 'Push Subscription Created', {
        endpoint: subscription.endpoint,
        keys: subscription.keys,
      }),
      track({ anonymousId: 'kv' }, 'Back In Stock Requested', { product_id: 'kettle' }),
    ]);
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM stock_requests WHERE status = 'open'`)).rowCount === 3,
    );

    await stack.produce([inventory('kettle', 5)]);
    await eventually(async () => (await jobOf('kettle'))?.status === 'running');
    await fanout.tick();

    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('k1@example.com'), 30000);
    expect(mail.subject).toBe('Copper kettle is back');
    expect(mail.html?.trim()).toBe(
      '<a href="https://shop.example.com/p/kettle"><img src="https://shop.example.com/img/kettle.jpg">Copper kettle for 49.9</a>',
    );
    await stack.smtp.waitFor((m) => m.envelope.to.includes('k2@example.com'), 30000);
    const pushed = await stack.push.waitFor((p) => p.subscriptionId === 'kettle-visitor', 30000);
    expect(pushed.json).toMatchObject({
      title: 'Copper kettle is back',
      body: 'Now 49.9',
      url: 'https://shop.example.com/p/kettle',
      icon: 'https://shop.example.com/img/kettle.jpg',
    });
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM stock_requests WHERE status = 'notified'`)).rowCount === 3,
    );

    // Sold out and back again: nobody is waiting any more, so nobody hears twice.
    await stack.produce([inventory('kettle', 0), inventory('kettle', 4)]);
    await eventually(async () => (await jobOf('kettle'))?.status === 'running');
    await fanout.tick();
    expect(await jobOf('kettle')).toMatchObject({ status: 'done', scheduled: 0 });
    await settle();
    expect(mailsTo('k1@example.com')).toHaveLength(1);
    expect(mailsTo('k2@example.com')).toHaveLength(1);
    expect(stack.push.received.filter((p) => p.subscriptionId === 'kettle-visitor')).toHaveLength(1);
    const log = await dispatchesOf(stack, rule.id);
    expect(log.map((d) => [d.customer_id, d.status, d.channel])).toEqual([
      ['anon:kv', 'sent', 'webpush'],
      ['k1', 'sent', 'email'],
      ['k2', 'sent', 'email'],
    ]);
  });

  it(`fans ${WAITING} waiting customers out off the consumer's path, stops where stock ran out, and finishes on the next restock`, async () => {
    await stack.db.query(
      `INSERT INTO products (id, name, price, url, stock) VALUES ('drop', 'Limited drop', 99, 'https://shop.example.com/p/drop', 0)`,
    );
    await stack.db.query(
      `INSERT INTO customers (id, email) SELECT 'w' || i, 'w' || i || '@example.com' FROM generate_series(1, $1) i`,
      [WAITING],
    );
    await stack.db.query(
      `INSERT INTO stock_requests (customer_id, product_id, requested_at)
       SELECT 'w' || i, 'drop', now() FROM generate_series(1, $1) i`,
      [WAITING],
    );

    // Ingestion only marks the restock; the waiting list is untouched until the fan-out runs.
    await stack.produce([inventory('drop', 10), identify({ userId: 'bystander' }, { email: 'by@example.com' })]);
    await eventually(async () => (await jobOf('drop'))?.status === 'running');
    await eventually(
      async () => (await stack.db.query(`SELECT 1 FROM customers WHERE id = 'bystander'`)).rowCount === 1,
    );
    expect(
      (await stack.db.query(`SELECT count(*)::int AS n FROM dispatches WHERE occasion LIKE 'restock:drop:%'`)).rows[0]
        .n,
    ).toBe(0);

    expect(await fanout.fanOutOnce()).toBe('advanced');
    expect(await jobOf('drop')).toMatchObject({ status: 'running', scheduled: 1000 });

    await stack.produce([inventory('drop', 0)]);
    await eventually(async () => (await stockOf('drop')) === 0);
    await fanout.tick();
    expect(await jobOf('drop')).toMatchObject({ status: 'sold_out', scheduled: 1000 });
    // Steps that had not gone out before the sell-out wait for the next restock, without a due time.
    const counts = await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT count(*) FILTER (WHERE status = 'scheduled' AND due_at IS NOT NULL)::int AS due,
                count(*) FILTER (WHERE status = 'scheduled' AND due_at IS NULL AND reason = 'sold_out')::int AS parked,
                count(*) FILTER (WHERE status IN ('queued', 'sent'))::int AS fired
         FROM dispatches WHERE occasion LIKE 'restock:drop:%'`,
      );
      return rows[0].due === 0 ? (rows[0] as { parked: number; fired: number }) : undefined;
    });
    expect(counts.parked + counts.fired).toBe(1000);
    // Every notification names the restock that caused it.
    const causes = await stack.db.query(
      `SELECT DISTINCT correlation_id FROM dispatches WHERE occasion LIKE 'restock:drop:%'`,
    );
    expect(causes.rows).toEqual([{ correlation_id: expect.stringMatching(/^restock:drop:\d{4}-\d\d-\d\dT/) }]);
    const open = await stack.db.query(
      `SELECT count(*)::int AS n FROM stock_requests WHERE product_id = 'drop' AND status = 'open'`,
    );
    expect(open.rows[0].n).toBe(WAITING - counts.fired);

    await stack.produce([inventory('drop', 7)]);
    await eventually(async () => (await jobOf('drop'))?.status === 'running');
    await fanout.tick();
    await eventually(
      async () => stack.smtp.messages.filter((m) => m.subject === 'Limited drop is back').length === WAITING,
      60000,
      `${WAITING} restock emails`,
    );
    await settle();
    const mails = stack.smtp.messages.filter((m) => m.subject === 'Limited drop is back');
    expect(mails).toHaveLength(WAITING);
    expect(new Set(mails.map((m) => m.envelope.to[0])).size).toBe(WAITING);
    const { rows } = await stack.db.query(
      `SELECT status, count(*)::int AS n FROM stock_requests WHERE product_id = 'drop' GROUP BY status`,
    );
    expect(rows).toEqual([{ status: 'notified', n: WAITING }]);
  });

  it('answers a request for a product in stock at once, and closes a request the customer bought', async () => {
    await stack.produce([
      track({ userId: 'm1' }, 'Product Viewed', product('mug', 12, { name: 'Big mug' })),
      inventory('mug', 3),
      identify({ userId: 'm1' }, { email: 'm1@example.com' }),
      track({ userId: 'm1' }, 'Back In Stock Requested', { product_id: 'mug' }),
    ]);
    const mail = await stack.smtp.waitFor((m) => m.envelope.to.includes('m1@example.com'), 30000);
    expect(mail.subject).toBe('Big mug is back');

    await stack.produce([
      inventory('grinder', 0),
      identify({ userId: 'g1' }, { email: 'g1@example.com' }),
      track({ userId: 'g1' }, 'Back In Stock Requested', { product_id: 'grinder' }),
      track({ userId: 'g1' }, 'Order Completed', { order_id: 'og1', products: [product('grinder', 80)] }),
    ]);
    await eventually(
      async () =>
        (
          await stack.db.query(
            `SELECT 1 FROM stock_requests WHERE customer_id = 'g1' AND status = 'closed' AND close_reason = 'purchased'`,
          )
        ).rowCount === 1,
    );
    await stack.produce([inventory('grinder', 2)]);
    await eventually(async () => (await jobOf('grinder'))?.status === 'running');
    await fanout.tick();
    await settle();
    expect(mailsTo('g1@example.com')).toHaveLength(0);
  });
});
