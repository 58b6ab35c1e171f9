import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Admin, Consumer, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/create-api-app';
import { ABANDONED_CART_EXAMPLE } from '../apps/api/src/rules/rule.openapi';
import { BeckonConfig } from '../libs/config/src';
import { TRIGGERS } from '../libs/rules/src';
import { createUnsubscribeToken } from '../libs/consent/src';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const MARKETER = { 'X-API-Key': 'test-marketer-key' };
const OPS = { 'X-API-Key': 'test-ops-key' };
const SECRET = 'test-unsubscribe-secret';

interface Reply {
  status: number;
  headers: Headers;
  text: string;

  json: any;
}

let databaseUrl: string;
let config: BeckonConfig;
let app: INestApplication | undefined;
let baseUrl: string;
let db: Client;

async function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (HTML pages, metrics)
  }
  return { status: response.status, headers: response.headers, text, json };
}

function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(ABANDONED_CART_EXAMPLE), ...overrides };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('api');
  config = testConfig(databaseUrl);
  app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  db = new Client({ connectionString: databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await app?.close();
  await db?.end();
  if (databaseUrl !== undefined) await dropTestDatabase(databaseUrl);
});

describe('authentication', () => {
  it('refuses /v1 calls without a valid key with 401', async () => {
    const missing = await call('GET', '/v1/rules');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });

    const wrong = await call('GET', '/v1/rules', { headers: { 'X-API-Key': 'test-marketer-keyX' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('Unauthorized');
  });

  it('lets ops read but not write (403)', async () => {
    expect((await call('GET', '/v1/rules', { headers: OPS })).status).toBe(200);
    const post = await call('POST', '/v1/rules', { headers: OPS, body: rule() });
    expect(post.status).toBe(403);
    expect(post.json).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
    expect((await call('POST', '/v1/events', { headers: OPS, body: {} })).status).toBe(403);
    const count = await db.query('SELECT count(*)::int AS n FROM rules');
    expect(count.rows[0].n).toBe(0);
  });

  it('keeps public routes public', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/docs-json')).status).toBe(200);
  });
});

describe('rules', () => {
  it('creates, reads, lists, disables and deletes a rule', async () => {
    const created = await call('POST', '/v1/rules', { headers: MARKETER, body: ABANDONED_CART_EXAMPLE });
    expect(created.status).toBe(201);
    const stored = created.json;
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      enabled: true,
      params: { minCartValue: 0 },
      steps: expect.any(Array),
      priority: 100,
      caps: { exempt: false },
      holdoutPercent: 0,
      attributionWindows: { email: 'P5D', webpush: 'PT24H' },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(stored.steps).toHaveLength(2);
    expect(stored.steps[0].after).toBe('PT1H');

    const fetched = await call('GET', `/v1/rules/${stored.id}`, { headers: OPS });
    expect(fetched.status).toBe(200);
    expect(fetched.json).toEqual(stored);

    const listed = await call('GET', '/v1/rules?trigger=abandoned_cart&enabled=true', { headers: OPS });
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((r: { id: string }) => r.id)).toContain(stored.id);

    const disabled = await call('PATCH', `/v1/rules/${stored.id}`, { headers: MARKETER, body: { enabled: false } });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ id: stored.id, enabled: false, name: 'Cart reminder', steps: stored.steps });
    expect(Date.parse(disabled.json.updatedAt)).toBeGreaterThan(Date.parse(stored.updatedAt));

    const enabledOnly = await call('GET', '/v1/rules?enabled=true', { headers: OPS });
    expect(enabledOnly.json.items.map((r: { id: string }) => r.id)).not.toContain(stored.id);
    const disabledOnly = await call('GET', '/v1/rules?enabled=false', { headers: OPS });
    expect(disabledOnly.json.items.map((r: { id: string }) => r.id)).toContain(stored.id);

    const renamed = await call('PATCH', `/v1/rules/${stored.id}`, {
      headers: MARKETER,
      body: { name: 'Cart reminder v2' },
    });
    expect(renamed.json).toMatchObject({ name: 'Cart reminder v2', enabled: false });

    const retrigger = await call('PATCH', `/v1/rules/${stored.id}`, {
      headers: MARKETER,
      body: { trigger: 'birthday' },
    });
    expect(retrigger.status).toBe(400);
    expect(retrigger.json.errors).toEqual([{ field: 'trigger', message: expect.any(String) }]);

    const deleted = await call('DELETE', `/v1/rules/${stored.id}`, { headers: MARKETER });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/v1/rules/${stored.id}`, { headers: OPS })).status).toBe(404);
    expect((await call('DELETE', `/v1/rules/${stored.id}`, { headers: MARKETER })).status).toBe(404);
    expect((await call('PATCH', `/v1/rules/${stored.id}`, { headers: MARKETER, body: { enabled: true } })).status).toBe(
      404,
    );
    const afterDelete = await call('GET', '/v1/rules', { headers: OPS });
    expect(afterDelete.json.items.map((r: { id: string }) => r.id)).not.toContain(stored.id);
    // Soft delete: the row stays for the dispatch log.
    const row = await db.query('SELECT deleted_at FROM rules WHERE id = $1', [stored.id]);
    expect(row.rows[0].deleted_at).not.toBeNull();
  });

  it('answers 404 for unknown and non-uuid ids', async () => {
    const unknown = await call('GET', `/v1/rules/${randomUUID()}`, { headers: OPS });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
    expect((await call('GET', '/v1/rules/not-a-uuid', { headers: OPS })).status).toBe(404);
  });

  it('reports every invalid field of a rule', async () => {
    const steps = structuredClone(ABANDONED_CART_EXAMPLE.steps);
    steps[0].after = 'PT1X';
    const badAfter = await call('POST', '/v1/rules', { headers: MARKETER, body: rule({ steps }) });
    expect(badAfter.status).toBe(400);
    expect(badAfter.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(badAfter.json.errors).toEqual(
      expect.arrayContaining([{ field: 'steps.0.after', message: expect.any(String) }]),
    );
    expect(badAfter.json.message).toEqual(expect.arrayContaining([expect.stringMatching(/^steps\.0\.after: /)]));

    const { email: _email, ...withoutEmail } = structuredClone(ABANDONED_CART_EXAMPLE.steps[0]);
    const noEmail = await call('POST', '/v1/rules', { headers: MARKETER, body: rule({ steps: [withoutEmail] }) });
    expect(noEmail.status).toBe(400);
    expect(noEmail.json.errors).toEqual([
      { field: 'steps.0.email', message: 'content for channel "email" is required' },
    ]);

    const sleeping = await call('POST', '/v1/rules', {
      headers: MARKETER,
      body: rule({ trigger: 'sleeping_customer', params: { maxOrders: 1 } }),
    });
    expect(sleeping.status).toBe(400);
    expect(sleeping.json.errors).toEqual([
      { field: 'params.inactiveDays', message: expect.stringContaining('required') },
    ]);

    const several = await call('POST', '/v1/rules', {
      headers: MARKETER,
      body: rule({ name: '', priority: -1, extra: 1 }),
    });
    expect(several.status).toBe(400);
    const fields = several.json.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'priority']));

    const patchInvalid = await call('POST', '/v1/rules', { headers: MARKETER, body: ABANDONED_CART_EXAMPLE });
    const patched = await call('PATCH', `/v1/rules/${patchInvalid.json.id}`, {
      headers: MARKETER,
      body: { steps: [] },
    });
    expect(patched.status).toBe(400);
    expect(patched.json.errors[0].field).toBe('steps');
    expect((await call('GET', `/v1/rules/${patchInvalid.json.id}`, { headers: OPS })).json.steps).toHaveLength(2);

    const count = await db.query('SELECT count(*)::int AS n FROM rules WHERE deleted_at IS NULL');
    expect(count.rows[0].n).toBe(1);
  });

  it('answers 400 for a body that is not JSON and for unknown list filters', async () => {
    const broken = await call('POST', '/v1/rules', {
      headers: { ...MARKETER, 'Content-Type': 'application/json' },
      raw: '{"name": "Cart reminder",',
    });
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });

    const filter = await call('GET', '/v1/rules?enabled=yes&colour=red', { headers: OPS });
    expect(filter.status).toBe(400);
    expect(filter.json.errors.map((error: { field: string }) => error.field).sort()).toEqual(['colour', 'enabled']);
  });
});

describe('POST /v1/events', () => {
  let kafka: Kafka;
  let consumer: Consumer;
  let admin: Admin;
  const received: Array<{ key: string | null; value: string }> = [];

  const topicSize = async (): Promise<number> => {
    const offsets = await admin.fetchTopicOffsets(config.KAFKA_EVENTS_TOPIC);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  };

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: `api-test-${randomUUID()}`,
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
    consumer = kafka.consumer({ groupId: `api-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: config.KAFKA_EVENTS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await admin?.disconnect();
  });

  const now = () => new Date().toISOString();
  const productAdded = {
    type: 'track',
    event: 'Product Added',
    messageId: `m-${randomUUID()}`,
    timestamp: now(),
    userId: 'user-e1',
    properties: { cart_id: 'cart-e1', product_id: 'p-1', price: 10, quantity: 2 },
  };
  const identify = {
    type: 'identify',
    messageId: `m-${randomUUID()}`,
    timestamp: now(),
    userId: 'user-e2',
    anonymousId: 'anon-e2',
    traits: { email: 'e2@example.com', firstName: 'Eve' },
  };
  const anonymousView = {
    type: 'track',
    event: 'Product Viewed',
    messageId: `m-${randomUUID()}`,
    timestamp: now(),
    anonymousId: 'anon-e3',
    properties: { product_id: 'p-9' },
  };
  const restock = {
    type: 'track',
    event: 'Inventory Updated',
    messageId: `m-${randomUUID()}`,
    timestamp: now(),
    properties: { product_id: 'p-77', sku: 'SKU-77', quantity: 5 },
  };

  it('produces one event and a batch to the events topic, keyed per the contract', async () => {
    const single = await call('POST', '/v1/events', { headers: MARKETER, body: productAdded });
    expect(single.status).toBe(202);
    expect(single.json).toEqual({ accepted: 1 });

    const batch = await call('POST', '/v1/events', {
      headers: MARKETER,
      body: { batch: [identify, anonymousView, restock] },
    });
    expect(batch.status).toBe(202);
    expect(batch.json).toEqual({ accepted: 3 });

    await waitFor('4 messages on the topic', () => (received.length >= 4 ? true : undefined));
    const byMessageId = new Map(received.map((message) => [JSON.parse(message.value).messageId as string, message]));
    expect(byMessageId.get(productAdded.messageId)).toEqual({ key: 'user-e1', value: JSON.stringify(productAdded) });
    expect(byMessageId.get(identify.messageId)).toEqual({ key: 'user-e2', value: JSON.stringify(identify) });
    expect(byMessageId.get(anonymousView.messageId)).toEqual({ key: 'anon-e3', value: JSON.stringify(anonymousView) });
    expect(byMessageId.get(restock.messageId)).toEqual({ key: 'p-77', value: JSON.stringify(restock) });
    expect(received).toHaveLength(4);
  });

  it('refuses a batch with an invalid event and produces nothing', async () => {
    await waitFor('earlier messages', () => (received.length >= 4 ? true : undefined));
    const before = await topicSize();
    const valid = { ...productAdded, messageId: `m-${randomUUID()}` };
    const { messageId: _missing, ...invalid } = { ...anonymousView };
    const refused = await call('POST', '/v1/events', { headers: MARKETER, body: { batch: [valid, invalid, valid] } });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([{ field: 'batch.1', message: expect.stringContaining('messageId') }]);
    expect(refused.json.message).toEqual([expect.stringMatching(/^batch\.1: /)]);

    const badSingle = await call('POST', '/v1/events', {
      headers: MARKETER,
      body: { ...productAdded, timestamp: 'yesterday' },
    });
    expect(badSingle.status).toBe(400);
    expect(badSingle.json.errors[0].field).toBe('(root)');

    for (const body of [
      [productAdded],
      { batch: [] },
      { batch: 'x' },
      { batch: Array.from({ length: 501 }, () => productAdded) },
    ]) {
      const reply = await call('POST', '/v1/events', { headers: MARKETER, body });
      expect(reply.status).toBe(400);
    }
    expect((await call('POST', '/v1/events', { headers: MARKETER })).status).toBe(400);

    const huge = { ...valid, properties: { ...valid.properties, note: 'x'.repeat(1024 * 1024) } };
    const overEventLimit = await call('POST', '/v1/events', { headers: MARKETER, body: { batch: [valid, huge] } });
    expect(overEventLimit.status).toBe(400);
    expect(overEventLimit.json.errors).toEqual([{ field: 'batch.1', message: expect.stringContaining('1 MB') }]);
    const overBodyLimit = await call('POST', '/v1/events', {
      headers: MARKETER,
      body: { batch: [huge, huge, huge, huge, huge, huge] },
    });
    expect(overBodyLimit.status).toBe(413);
    expect(overBodyLimit.json).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String) });

    expect(await topicSize()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.some((message) => message.value.includes(valid.messageId))).toBe(false);
  });
});

describe('GET /v1/dispatches', () => {
  const ruleA = randomUUID();
  const ruleB = randomUUID();
  // Fixed instants far from "now", so rows written by other tests never fall in the range.
  const base = Date.parse('2024-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  type Seed = {
    rule: string;
    customer: string;
    step: number;
    channel: string | null;
    status: string;
    reason: string | null;
    created: string;
  };
  const seeds: Seed[] = [
    { rule: ruleA, customer: 'log-1', step: 0, channel: 'email', status: 'sent', reason: null, created: at(0) },
    { rule: ruleA, customer: 'log-1', step: 1, channel: 'webpush', status: 'sent', reason: null, created: at(10) },
    {
      rule: ruleA,
      customer: 'log-2',
      step: 0,
      channel: null,
      status: 'suppressed',
      reason: 'capped:email',
      created: at(20),
    },
    // Three rows in the same microsecond: only the id breaks the tie.
    {
      rule: ruleA,
      customer: 'log-3',
      step: 0,
      channel: 'email',
      status: 'failed',
      reason: 'smtp:550',
      created: at(30),
    },
    { rule: ruleA, customer: 'log-4', step: 0, channel: 'email', status: 'sent', reason: null, created: at(30) },
    { rule: ruleA, customer: 'log-5', step: 0, channel: 'email', status: 'sent', reason: null, created: at(30) },
    { rule: ruleA, customer: 'log-6', step: 1, channel: null, status: 'scheduled', reason: null, created: at(40) },
    {
      rule: ruleB,
      customer: 'log-1',
      step: 0,
      channel: null,
      status: 'suppressed',
      reason: 'capped:email',
      created: at(50),
    },
    { rule: ruleB, customer: 'log-7', step: 0, channel: 'webpush', status: 'sent', reason: null, created: at(60) },
  ];
  const ids: string[] = [];

  beforeAll(async () => {
    for (const [index, seed] of seeds.entries()) {
      const row = await db.query(
        `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, reason, due_at, created_at, updated_at)
         VALUES ($1, $2, $3, 'cart-x', $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
        [
          `log|${index}`,
          seed.rule,
          seed.customer,
          seed.step,
          seed.channel,
          seed.status,
          seed.reason,
          seed.status === 'scheduled' ? at(100) : null,
          seed.created,
        ],
      );
      ids.push(row.rows[0].id);
    }
  });

  const list = async (query: string) => call('GET', `/v1/dispatches?${query}`, { headers: OPS });

  it('filters by rule, customer, channel, status, reason and time range', async () => {
    const byCustomer = await list('customerId=log-1');
    expect(byCustomer.status).toBe(200);
    expect(byCustomer.json.items.map((d: { id: string }) => d.id)).toEqual([ids[7], ids[1], ids[0]]);
    expect(byCustomer.json.nextCursor).toBeNull();
    expect(byCustomer.json.items[2]).toEqual({
      id: ids[0],
      ruleId: ruleA,
      customerId: 'log-1',
      channel: 'email',
      step: 1,
      status: 'sent',
      reason: null,
      createdAt: at(0),
      updatedAt: at(0),
      dueAt: null,
      sentAt: null,
      correlationId: null,
    });
    expect(byCustomer.json.items[1].step).toBe(2);

    expect((await list(`ruleId=${ruleB}`)).json.items.map((d: { id: string }) => d.id)).toEqual([ids[8], ids[7]]);
    expect((await list(`ruleId=${ruleA}&channel=webpush`)).json.items.map((d: { id: string }) => d.id)).toEqual([
      ids[1],
    ]);
    expect((await list('reason=capped:email')).json.items.map((d: { id: string }) => d.id)).toEqual([ids[7], ids[2]]);
    expect((await list(`status=failed&ruleId=${ruleA}`)).json.items.map((d: { id: string }) => d.id)).toEqual([ids[3]]);
    const scheduled = (await list(`status=scheduled&ruleId=${ruleA}`)).json.items;
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].dueAt).toBe(at(100));
    const range = await list(`since=${encodeURIComponent(at(10))}&until=${encodeURIComponent(at(30))}`);
    expect(range.json.items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
  });

  it('pages with a cursor without gaps or duplicates, ties included', async () => {
    const expected = (await list(`ruleId=${ruleA}&limit=500`)).json.items.map((d: { id: string }) => d.id);
    expect(expected).toHaveLength(7);
    expect(new Set(expected)).toEqual(new Set(ids.slice(0, 7)));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Reply = await list(`ruleId=${ruleA}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((d: { id: string }) => d.id));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
  });

  it('validates the query', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['since=yesterday', 'since'],
      ['ruleId=42', 'ruleId'],
      ['status=lost', 'status'],
      ['channel=sms', 'channel'],
      ['rule_id=x', 'rule_id'],
      [`since=${at(10)}&until=${at(0)}`, 'until'],
    ];
    for (const [query, field] of cases) {
      const reply = await list(query);
      expect(reply.status).toBe(400);
      expect(reply.json.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('counts dispatches by rule, channel, status and reason', async () => {
    const stats = await call('GET', `/v1/dispatches/stats?since=${at(0)}&until=${at(61)}`, { headers: OPS });
    expect(stats.status).toBe(200);
    expect(stats.json.since).toBe(at(0));
    expect(stats.json.until).toBe(at(61));
    const rows = stats.json.rows as Array<{
      ruleId: string;
      channel: string | null;
      status: string;
      reason: string | null;
      count: number;
    }>;
    const count = (ruleId: string, channel: string | null, status: string, reason: string | null = null) =>
      rows.find(
        (row) => row.ruleId === ruleId && row.channel === channel && row.status === status && row.reason === reason,
      )?.count;
    expect(count(ruleA, 'email', 'sent')).toBe(3);
    expect(count(ruleA, 'webpush', 'sent')).toBe(1);
    expect(count(ruleA, 'email', 'failed', 'smtp:550')).toBe(1);
    expect(count(ruleA, null, 'suppressed', 'capped:email')).toBe(1);
    expect(count(ruleA, null, 'scheduled')).toBe(1);
    expect(count(ruleB, null, 'suppressed', 'capped:email')).toBe(1);
    expect(count(ruleB, 'webpush', 'sent')).toBe(1);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(9);

    // Up to 72 hours the series is hourly (UTC bucket starts); only non-empty buckets are listed.
    expect(stats.json.bucket).toBe('hour');
    const series = stats.json.series as Array<{ at: string; channel: string | null; status: string; count: number }>;
    expect(series.filter((point) => point.at === at(0)).reduce((sum, point) => sum + point.count, 0)).toBe(8);
    expect(series.filter((point) => point.at === at(60))).toEqual([
      { at: at(60), channel: 'webpush', status: 'sent', count: 1 },
    ]);
    expect(series.map((point) => point.at)).toEqual([...series.map((point) => point.at)].sort());
    expect(stats.json.reasons).toEqual([
      { reason: 'capped:email', status: 'suppressed', count: 2 },
      { reason: 'smtp:550', status: 'failed', count: 1 },
    ]);
    const daily = await call('GET', `/v1/dispatches/stats?since=${at(0)}&until=${at(61)}&bucket=day`, { headers: OPS });
    expect(daily.json.series.map((point: { at: string }) => point.at)).toEqual(
      expect.arrayContaining(['2024-03-01T00:00:00.000Z']),
    );
    expect(new Set(daily.json.series.map((point: { at: string }) => point.at)).size).toBe(1);
    const badBucket = await call('GET', '/v1/dispatches/stats?bucket=week', { headers: OPS });
    expect(badBucket.status).toBe(400);
    expect(badBucket.json.errors).toEqual([{ field: 'bucket', message: 'must be hour or day' }]);

    const narrow = await call('GET', `/v1/dispatches/stats?since=${at(50)}&until=${at(61)}&ruleId=${ruleB}`, {
      headers: OPS,
    });
    expect(narrow.json.rows.reduce((sum: number, row: { count: number }) => sum + row.count, 0)).toBe(2);

    const defaults = await call('GET', '/v1/dispatches/stats', { headers: OPS });
    expect(defaults.status).toBe(200);
    expect(Date.parse(defaults.json.until) - Date.parse(defaults.json.since)).toBe(7 * 24 * 3600 * 1000);

    expect((await call('GET', '/v1/dispatches/stats?since=soon', { headers: OPS })).status).toBe(400);
  });
});

describe('GET /v1/customers/:id', () => {
  const ruleId = randomUUID();

  beforeAll(async () => {
    await db.query(
      `INSERT INTO customers (id, email, first_name, last_name, birthday, timezone, locale, traits, last_seen_at)
       VALUES ('user-c1', 'ada@example.com', 'Ada', 'Lovelace', '1990-05-17', 'Europe/Berlin', 'de-DE', '{"vip": true}', now())`,
    );
    await db.query(`INSERT INTO customers (id, merged_into) VALUES ('anon:v-1', 'user-c1')`);
    await db.query(
      `INSERT INTO push_subscriptions (endpoint, customer_id, p256dh, auth)
       VALUES ('https://push.example.net/push/secret-path-123', 'user-c1', 'p256dh-key-material', 'auth-secret')`,
    );
    await db.query(
      `INSERT INTO carts (id, customer_id, items, value, currency, status, last_activity_at) VALUES
       ('cart-c1', 'user-c1', '[{"product_id": "p-1", "name": "Tea", "price": 4.5, "quantity": 2}]', 9, 'EUR', 'open', now()),
       ('cart-c0', 'user-c1', '[]', 0, 'EUR', 'ordered', now())`,
    );
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, reason, due_at, created_at, sent_at) VALUES
       ('c|0', $1, 'user-c1', 'cart-c1', 0, 'email', 'sent', NULL, NULL, now() - interval '1 hour', now() - interval '1 hour'),
       ('c|1', $1, 'user-c1', 'cart-c1', 1, NULL, 'scheduled', NULL, now() + interval '1 day', now(), NULL)`,
      [ruleId],
    );
  });

  it('shows profile, consent, subscriptions, open carts and dispatches', async () => {
    const reply = await call('GET', '/v1/customers/user-c1', { headers: OPS });
    expect(reply.status).toBe(200);
    const customer = reply.json;
    expect(customer).toMatchObject({
      id: 'user-c1',
      requestedId: 'user-c1',
      mergedInto: null,
      consent: { email: true, webpush: true },
      emailUndeliverable: null,
    });
    expect(customer.profile).toMatchObject({
      id: 'user-c1',
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      birthday: '1990-05-17',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
      traits: { vip: true },
    });
    expect(customer.pushSubscriptions).toEqual([
      { origin: 'https://push.example.net', createdAt: expect.any(String), expiresAt: null },
    ]);
    expect(reply.text).not.toContain('secret-path-123');
    expect(reply.text).not.toContain('auth-secret');
    expect(customer.openCarts).toEqual([
      {
        id: 'cart-c1',
        items: [{ product_id: 'p-1', name: 'Tea', price: 4.5, quantity: 2 }],
        value: 9,
        currency: 'EUR',
        lastActivityAt: expect.any(String),
      },
    ]);
    expect(customer.pendingDispatches).toHaveLength(1);
    expect(customer.pendingDispatches[0]).toMatchObject({
      status: 'scheduled',
      step: 2,
      ruleId,
      dueAt: expect.any(String),
    });
    expect(customer.recentDispatches.map((d: { status: string }) => d.status)).toEqual(['scheduled', 'sent']);
    expect(customer.recentDispatches[1].sentAt).toEqual(expect.any(String));
  });

  it('answers for the user when asked about a merged anonymous profile', async () => {
    const reply = await call('GET', `/v1/customers/${encodeURIComponent('anon:v-1')}`, { headers: OPS });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ id: 'user-c1', requestedId: 'anon:v-1', mergedInto: 'user-c1' });
    expect(reply.json.profile.email).toBe('ada@example.com');
  });

  it('answers 404 for an unknown customer', async () => {
    const reply = await call('GET', '/v1/customers/nobody', { headers: OPS });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });
});

describe('unsubscribe /u/:token', () => {
  const ruleId = randomUUID();
  const seedCustomer = async (id: string) => {
    await db.query(`INSERT INTO customers (id, email) VALUES ($1, $2)`, [id, `${id}@example.com`]);
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, due_at) VALUES
       ($2 || '|0', $1, $2, 'cart-u', 0, 'email', 'sent', NULL),
       ($2 || '|1', $1, $2, 'cart-u', 1, NULL, 'scheduled', now() + interval '1 day'),
       ($2 || '|2', $1, $2, 'cart-v', 0, NULL, 'deferred', now() + interval '2 hours')`,
      [ruleId, id],
    );
  };
  const stateOf = async (id: string) => {
    const customer = await db.query('SELECT email_consent, webpush_consent FROM customers WHERE id = $1', [id]);
    const dispatches = await db.query(
      'SELECT status, reason, due_at FROM dispatches WHERE customer_id = $1 ORDER BY dispatch_key',
      [id],
    );
    return { consent: customer.rows[0], dispatches: dispatches.rows };
  };

  beforeAll(async () => {
    await seedCustomer('user-u1');
    await seedCustomer('user-u2');
  });

  it('shows a confirmation page that changes nothing', async () => {
    const token = createUnsubscribeToken({ customerId: 'user-u1', channel: 'all' }, SECRET);
    const page = await call('GET', `/u/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post"');
    expect(page.text).toContain('marketing emails and browser notifications');
    expect((await stateOf('user-u1')).consent).toEqual({ email_consent: true, webpush_consent: true });
  });

  it('unsubscribes with one click and ends running sequences', async () => {
    const token = createUnsubscribeToken({ customerId: 'user-u1', channel: 'all' }, SECRET);
    const reply = await call('POST', `/u/${token}`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      raw: 'List-Unsubscribe=One-Click',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.headers.get('set-cookie')).toBeNull();
    expect(reply.text).toContain('You are unsubscribed');

    const state = await stateOf('user-u1');
    expect(state.consent).toEqual({ email_consent: false, webpush_consent: false });
    expect(state.dispatches).toEqual([
      { status: 'sent', reason: null, due_at: null },
      { status: 'suppressed', reason: 'unsubscribed', due_at: null },
      { status: 'suppressed', reason: 'unsubscribed', due_at: null },
    ]);

    // A second click (empty body, as some clients send) is harmless.
    expect((await call('POST', `/u/${token}`)).status).toBe(200);
    expect((await stateOf('user-u1')).consent).toEqual({ email_consent: false, webpush_consent: false });
  });

  it('withdraws only web-push consent for a webpush link', async () => {
    const token = createUnsubscribeToken({ customerId: 'user-u2', channel: 'webpush' }, SECRET);
    expect((await call('POST', `/u/${token}`)).status).toBe(200);
    const state = await stateOf('user-u2');
    expect(state.consent).toEqual({ email_consent: true, webpush_consent: false });
    expect(state.dispatches.map((d: { status: string }) => d.status)).toEqual(['sent', 'scheduled', 'deferred']);
  });

  it('refuses forged and tampered tokens with 400', async () => {
    const token = createUnsubscribeToken({ customerId: 'user-u2', channel: 'email' }, SECRET);
    const [body, signature] = token.split('.');
    const otherBody = Buffer.from(JSON.stringify({ c: 'user-u2', ch: 'all' })).toString('base64url');
    const forged = createUnsubscribeToken({ customerId: 'user-u2', channel: 'email' }, 'not-the-secret');
    const flipped = `${body}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [`${otherBody}.${signature}`, flipped, forged, 'garbage']) {
      const post = await call('POST', `/u/${bad}`);
      expect(post.status).toBe(400);
      expect(post.text).toContain('not valid');
      expect((await call('GET', `/u/${bad}`)).status).toBe(400);
    }
    const state = await stateOf('user-u2');
    expect(state.consent).toEqual({ email_consent: true, webpush_consent: false });
    expect(state.dispatches.map((d: { status: string }) => d.status)).toEqual(['sent', 'scheduled', 'deferred']);
  });
});

describe('health, docs, metrics', () => {
  it('reports PostgreSQL and Kafka up', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok', checks: { postgres: 'up', kafka: 'up' } });
  });

  it('serves the OpenAPI document with the zod rule schema', async () => {
    const docs = await call('GET', '/docs-json');
    expect(docs.status).toBe(200);
    const document = docs.json;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/rules',
        '/v1/rules/{id}',
        '/v1/dispatches',
        '/v1/dispatches/stats',
        '/v1/customers/{id}',
        '/v1/events',
        '/health',
        '/u/{token}',
      ]),
    );
    expect(document.components.securitySchemes['api-key']).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(document.components.schemas.RuleInput.oneOf).toHaveLength(TRIGGERS.length);
    const post = document.paths['/v1/rules'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RuleInput' });
    expect(post.requestBody.content['application/json'].examples.abandoned_cart.value.trigger).toBe('abandoned_cart');
    expect(post.security).toEqual([{ 'api-key': [] }]);
    expect(document.components.schemas.Dispatch.properties.step).toBeDefined();
    expect(document.components.schemas.Dispatch.required).toContain('correlationId');

    const ui = await call('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics and answers unknown routes in the error shape', async () => {
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('beckon_api_http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('route="/v1/rules/:id"');

    const missing = await call('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });
});

describe('without UNSUBSCRIBE_SECRET', () => {
  let second: INestApplication | undefined;

  afterAll(async () => {
    await second?.close();
  });

  it('answers 503 on the unsubscribe routes', async () => {
    second = await createApiApp(testConfig(databaseUrl, { UNSUBSCRIBE_SECRET: '' }));
    await second.listen(0, '127.0.0.1');
    const url = (await second.getUrl()).replace('[::1]', '127.0.0.1');
    const token = createUnsubscribeToken({ customerId: 'user-u2', channel: 'all' }, SECRET);
    for (const method of ['GET', 'POST']) {
      const reply = await fetch(`${url}/u/${token}`, { method });
      expect(reply.status).toBe(503);
      expect(await reply.json()).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.any(String),
      });
    }
    const state = await db.query('SELECT email_consent FROM customers WHERE id = $1', ['user-u2']);
    expect(state.rows[0].email_consent).toBe(true);
  });
});
