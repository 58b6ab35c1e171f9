import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/create-api-app';
import { RULE_EXAMPLES } from '../apps/api/src/rules/rule.openapi';
import { isHeldOut } from '../libs/rules/src';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const MARKETER = { 'content-type': 'application/json', 'x-api-key': 'test-marketer-key' };

/** The rules API for the four moment triggers: their validation, switching them on and off, previews. */
describe('rules API for every trigger', () => {
  let databaseUrl: string;
  let app: INestApplication;
  let baseUrl: string;
  let db: Client;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/v1${path}`, {
      method,
      headers: MARKETER,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  };
  const create = async (example: Record<string, unknown>) => {
    const created = await call('POST', '/rules', example);
    expect(created.status).toBe(201);
    return created.json as { id: string };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('rules_api');
    app = await createApiApp(testConfig(databaseUrl));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();

    await db.query(`
      INSERT INTO customers (id, email, first_name, birthday, timezone, last_order_at, order_count) VALUES
        ('ada', 'ada@example.com', 'Ada', '1990-05-17', 'Asia/Tokyo', now() - interval '100 days', 2),
        ('anon:v1', NULL, NULL, NULL, NULL, NULL, 0)`);
    await db.query(`
      INSERT INTO orders (id, customer_id, total, products, placed_at) VALUES
        ('o1', 'ada', 20, '[{"product_id":"tea","name":"Old tea name","price":5,"quantity":1}]', now() - interval '120 days'),
        ('o2', 'ada', 20, '[{"product_id":"tea","name":"Old tea name","price":5,"quantity":1},{"product_id":"mug","name":"Mug","price":9,"quantity":1}]', now() - interval '100 days')`);
    await db.query(`
      INSERT INTO products (id, name, price, url, image_url, stock) VALUES
        ('tea', 'Green tea', 6.5, 'https://shop.example.com/p/tea', 'https://shop.example.com/i/tea.jpg', 4),
        ('kettle', 'Copper kettle', 49.9, 'https://shop.example.com/p/kettle', NULL, 0)`);
    await db.query(
      `INSERT INTO stock_requests (customer_id, product_id, requested_at) VALUES ('ada', 'kettle', now())`,
    );
    await db.query(`
      INSERT INTO reorder_clocks (customer_id, product_id, order_id, ordered_at, supply_days, runs_out_at, product) VALUES
        ('ada', 'tea', 'o2', now() - interval '100 days', NULL, NULL, '{"product_id":"tea","quantity":2}'),
        ('ada', 'mug', 'o2', now() - interval '100 days', NULL, NULL, '{"product_id":"mug","name":"Mug","quantity":1}')`);
    await db.query(`
      INSERT INTO carts (id, customer_id, items, value, status, last_activity_at) VALUES
        ('c1', 'ada', '[{"product_id":"tea","name":"Green tea","price":6.5,"quantity":2,"url":"https://shop.example.com/p/tea"}]', 13, 'open', now())`);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl !== undefined) await dropTestDatabase(databaseUrl);
  });

  it('accepts the OpenAPI example of every trigger', async () => {
    for (const { value } of Object.values(RULE_EXAMPLES)) await create(value);
    const listed = await call('GET', '/rules');
    expect(listed.json.items.map((r: { trigger: string }) => r.trigger).sort()).toEqual([
      'abandoned_cart',
      'back_in_stock',
      'birthday',
      'browse_abandonment',
      'consumable_reorder',
      'post_purchase',
      'sleeping_customer',
    ]);
  });

  it.each([
    ['sleeping_customer', {}, ['params.inactiveDays']],
    ['sleeping_customer', { inactiveDays: 0, maxOrders: 0 }, ['params.inactiveDays', 'params.maxOrders']],
    ['consumable_reorder', { defaultDays: 30, leadDays: 30 }, ['params.leadDays']],
    ['consumable_reorder', { leadDays: 3 }, ['params.defaultDays']],
    ['birthday', { daysBefore: -1, sendAt: '9:00' }, ['params.daysBefore', 'params.sendAt']],
    ['back_in_stock', { productId: 'p1' }, ['params.productId']],
  ])('answers 400 naming the fields of a bad %s rule %j', async (trigger, params, fields) => {
    const refused = await call('POST', '/rules', { ...RULE_EXAMPLES.birthday.value, trigger, params });
    expect(refused.status).toBe(400);
    expect(refused.json.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(refused.json.message).toEqual(fields.map((field) => expect.stringMatching(new RegExp(`^${field}: `))));
  });

  it('disables and enables a rule', async () => {
    const { id } = await create(RULE_EXAMPLES.birthday.value);
    expect((await call('PATCH', `/rules/${id}`, { enabled: false })).json.enabled).toBe(false);
    expect((await call('PATCH', `/rules/${id}`, { enabled: true })).json.enabled).toBe(true);
    const patchedBadly = await call('PATCH', `/rules/${id}`, { params: { daysBefore: 99 } });
    expect(patchedBadly.status).toBe(400);
    expect(patchedBadly.json.errors).toEqual([{ field: 'params.daysBefore', message: 'must be at most 60' }]);
  });

  it('takes a holdout and attribution windows, shows them, and refuses bad ones field by field', async () => {
    const created = await call('POST', '/rules', {
      ...RULE_EXAMPLES.birthday.value,
      holdoutPercent: 12.5,
      attributionWindows: { webpush: 'PT6H' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ holdoutPercent: 12.5, attributionWindows: { email: 'P5D', webpush: 'PT6H' } });
    const { id } = created.json;
    expect((await call('GET', `/rules/${id}`)).json).toMatchObject({
      holdoutPercent: 12.5,
      attributionWindows: { email: 'P5D', webpush: 'PT6H' },
    });
    const listed = (await call('GET', '/rules')).json.items.find((rule: { id: string }) => rule.id === id);
    expect(listed).toMatchObject({ holdoutPercent: 12.5 });

    const patched = await call('PATCH', `/rules/${id}`, { holdoutPercent: 0 });
    expect(patched.json).toMatchObject({ holdoutPercent: 0, attributionWindows: { webpush: 'PT6H' } });
    const tooMany = await call('PATCH', `/rules/${id}`, { holdoutPercent: 60 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors).toEqual([
      { field: 'holdoutPercent', message: 'must be at most 50 (percent of customers held back)' },
    ]);

    const refused = await call('POST', '/rules', {
      ...RULE_EXAMPLES.birthday.value,
      holdoutPercent: 'ten',
      attributionWindows: { email: 'P1M', sms: 'P1D' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      { field: 'holdoutPercent', message: 'must be a number (percent of customers held back)' },
      {
        field: 'attributionWindows.email',
        message: 'must be an ISO 8601 duration such as P5D or PT24H, more than zero and at most 30 days',
      },
      { field: 'attributionWindows.sms', message: 'is not a known parameter' },
    ]);
  });

  it('previews a held-out customer as held back', async () => {
    const { id } = await create({ ...RULE_EXAMPLES.birthday.value, holdoutPercent: 50 });
    const pick = (heldOut: boolean) => {
      for (let n = 0; ; n++) if (isHeldOut(id, `split-${n}`, 50) === heldOut) return `split-${n}`;
    };
    const [held, messaged] = [pick(true), pick(false)];
    await db.query(`INSERT INTO customers (id, email) VALUES ($1, 'held@example.com'), ($2, 'messaged@example.com')`, [
      held,
      messaged,
    ]);
    expect((await call('POST', `/rules/${id}/preview`, { customerId: held })).json).toMatchObject({
      channel: null,
      reason: 'holdout',
    });
    expect((await call('POST', `/rules/${id}/preview`, { customerId: messaged })).json).toMatchObject({
      channel: 'email',
      reason: null,
    });
  });

  it('previews a sleeping-customer step with the last order and recommendations', async () => {
    // The example holds back a tenth of the sleepers; with a fresh rule id Ada would be one of them one run in ten.
    const { id } = await create({ ...RULE_EXAMPLES.sleeping_customer.value, holdoutPercent: 0 });
    const preview = await call('POST', `/rules/${id}/preview`, { customerId: 'ada' });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ ruleId: id, customerId: 'ada', step: 1, channel: 'email', reason: null });
    expect(preview.json.email.subject).toBe('Ada, we miss you');
    expect(preview.json.email.html).toContain('It has been 100 days');
    expect(preview.json.email.html).toMatch(/Green tea – 6\.5[\s\S]*Mug – 9/);
    expect(preview.json.webpush).toEqual({
      title: 'Ada, we miss you',
      body: 'Still enjoying Green tea?',
      url: 'https://shop.example.com/p/tea',
    });
    expect(preview.json.data.order).toMatchObject({ id: 'o2' });
    expect((await db.query(`SELECT count(*)::int AS n FROM dispatches`)).rows[0].n).toBe(0);
  });

  it('previews back in stock, reorder, birthday and cart steps with their own data', async () => {
    const restock = await create(RULE_EXAMPLES.back_in_stock.value);
    const product = await call('POST', `/rules/${restock.id}/preview`, { customerId: 'ada' });
    expect(product.json.email.subject).toBe('Copper kettle is back');
    expect(product.json.webpush).toMatchObject({ title: 'Copper kettle is back', body: 'Now 49.9' });
    const chosen = await call('POST', `/rules/${restock.id}/preview`, { customerId: 'ada', productId: 'tea' });
    expect(chosen.json.email.subject).toBe('Green tea is back');

    const reorder = await create(RULE_EXAMPLES.consumable_reorder.value);
    const refill = await call('POST', `/rules/${reorder.id}/preview`, { customerId: 'ada' });
    expect(refill.json.data.products.map((p: { name: string }) => p.name).sort()).toEqual(['Green tea', 'Mug']);
    expect(refill.json.email.html).toContain('× 2');

    const birthday = await create(RULE_EXAMPLES.birthday.value);
    const greeting = await call('POST', `/rules/${birthday.id}/preview`, { customerId: 'ada' });
    expect(greeting.json.email.subject).toBe('Happy birthday, Ada!');
    expect(greeting.json.data.birthday.date).toMatch(/^\d{4}-05-17$/);

    const cart = await create(RULE_EXAMPLES.abandoned_cart.value);
    const reminder = await call('POST', `/rules/${cart.id}/preview`, { customerId: 'ada', step: 2 });
    expect(reminder.json.step).toBe(2);
    expect(reminder.json.email.html).toContain('https://shop.example.com/p/tea');
  });

  it('says why a step would not go out, and refuses unknown customers and steps', async () => {
    const { id } = await create(RULE_EXAMPLES.birthday.value);
    const anonymous = await call('POST', `/rules/${id}/preview`, { customerId: 'anon:v1' });
    expect(anonymous.json).toMatchObject({ channel: null, reason: 'email:no_address,webpush:no_subscription' });
    expect(anonymous.json.data.birthday).toBeNull();
    expect((await call('POST', `/rules/${id}/preview`, { customerId: 'nobody' })).status).toBe(404);
    const badStep = await call('POST', `/rules/${id}/preview`, { customerId: 'ada', step: 2 });
    expect(badStep.status).toBe(400);
    expect(badStep.json.errors).toEqual([{ field: 'step', message: 'the rule has 1 step(s)' }]);
    const noCustomer = await call('POST', `/rules/${id}/preview`, {});
    expect(noCustomer.json.errors.map((e: { field: string }) => e.field)).toEqual(['customerId']);
  });
});
