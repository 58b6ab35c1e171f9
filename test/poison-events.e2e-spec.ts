import { INestApplication } from '@nestjs/common';
import { CompressionTypes, Consumer, IHeaders, Kafka, Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { BeckonConfig } from '../libs/config/src';
import { topicNames } from '../libs/contracts/src';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { StorefrontEventsConsumer } from '../apps/engine/src/ingestion/storefront-events.consumer';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';
import { connectProducer, eventually } from './support/storefront';
import { hostileEvents } from './support/hostile-events';

interface DeadLetter {
  id: string;
  reason: string;
  value: Buffer;
  headers: IHeaders;
}

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
};

/**
 * The poison events of issue 10, each of which once stopped a partition for good: every one must end
 * stored or dead-lettered with its reason, and the events behind it on the same partition must still
 * be processed.
 */
describe('engine: no event can stop the stream', () => {
  let config: BeckonConfig;
  let databaseUrl: string;
  let app: INestApplication;
  let db: Client;
  let producer: Producer;
  let kafka: Kafka;
  let dlq: Consumer;
  const deadLetters = new Map<string, DeadLetter>();
  let sequence = 0;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('poison');
    config = testConfig(databaseUrl);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    app = await createEngineApp(config);
    await app.listen(0, '127.0.0.1');
    ({ producer, kafka } = await connectProducer(config.KAFKA_BROKERS));
    dlq = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-dlq`, maxBytesPerPartition: 8 << 20 });
    await dlq.connect();
    await dlq.subscribe({
      topic: topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).eventsDeadLetter,
      fromBeginning: true,
    });
    await dlq.run({
      eachMessage: async ({ message }) => {
        const id = header(message.headers, 'x-test-id') ?? '';
        deadLetters.set(id, {
          id,
          reason: header(message.headers, 'x-beckon-reason') ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers: message.headers ?? {},
        });
      },
    });
    await eventually(async () => app.get(StorefrontEventsConsumer).isReady, 30000, 'engine consumer to join');
  });

  afterAll(async () => {
    await Promise.all([dlq?.disconnect(), producer?.disconnect()]);
    await app?.close();
    await db?.end();
    await dropTestDatabase(databaseUrl);
  });

  const nextId = (label: string) => `${label}-${++sequence}`;

  const envelope = (id: string, over: Record<string, unknown> = {}) => ({
    messageId: id,
    timestamp: new Date().toISOString(),
    userId: 'u-poison',
    ...over,
  });

  /** A message as a storefront sends it, tagged with a header the dead-letter record keeps. */
  const message = (id: string, value: string, key = 'u-poison'): Message => ({
    key,
    value,
    headers: { 'x-test-id': id },
  });

  /** A valid identify on the same partition key: it is stored only if the poison did not stop the partition. */
  const marker = (key = 'u-poison') => {
    const id = nextId('marker');
    return { id, message: message(id, JSON.stringify({ type: 'identify', ...envelope(id, { userId: key }) }), key) };
  };

  const stored = async (id: string) =>
    (await db.query(`SELECT 1 FROM customer_events WHERE message_id = $1`, [id])).rowCount === 1;

  async function send(messages: Message[], compression = CompressionTypes.None): Promise<void> {
    await producer.send({ topic: config.KAFKA_EVENTS_TOPIC, acks: -1, compression, messages });
  }

  async function deadLettered(id: string): Promise<DeadLetter> {
    return eventually(async () => deadLetters.get(id), 30000, `dead letter of ${id}`);
  }

  const poison: Array<[string, (id: string) => string, RegExp]> = [
    [
      'Product Added with price 1e13',
      (id) =>
        JSON.stringify({
          type: 'track',
          ...envelope(id),
          event: 'Product Added',
          properties: { product_id: 'p1', price: 1e13 },
        }),
      /properties\.price/,
    ],
    [
      'Product Added with quantity 1e15 at price 1000',
      (id) =>
        JSON.stringify({
          type: 'track',
          ...envelope(id),
          event: 'Product Added',
          properties: { product_id: 'p1', price: 1000, quantity: 1e15 },
        }),
      /properties\.quantity/,
    ],
    [
      'Order Completed with total 1e13',
      (id) =>
        JSON.stringify({
          type: 'track',
          ...envelope(id),
          event: 'Order Completed',
          properties: { order_id: id, total: 1e13 },
        }),
      /properties\.total/,
    ],
    [
      'Inventory Updated with quantity 3000000000',
      (id) =>
        JSON.stringify({
          type: 'track',
          ...envelope(id, { userId: undefined }),
          event: 'Inventory Updated',
          properties: { product_id: 'p1', quantity: 3_000_000_000 },
        }),
      /properties\.quantity/,
    ],
    [
      'timestamp 0000-01-01T00:00:00Z (year 0)',
      (id) => JSON.stringify({ type: 'identify', ...envelope(id, { timestamp: '0000-01-01T00:00:00Z' }) }),
      /^timestamp: /,
    ],
    [
      'timestamp past year 9999 in UTC (9999-12-31T23:59:59-23:59)',
      (id) => JSON.stringify({ type: 'identify', ...envelope(id, { timestamp: '9999-12-31T23:59:59-23:59' }) }),
      /^timestamp: /,
    ],
    [
      'birthday 0000-02-29',
      (id) => JSON.stringify({ type: 'identify', ...envelope(id), traits: { birthday: '0000-02-29' } }),
      /traits\.birthday/,
    ],
    [
      'custom event whose properties nest 50,000 deep',
      (id) =>
        `{"type":"track","messageId":"${id}","timestamp":"${new Date().toISOString()}","userId":"u-poison",` +
        `"event":"Deep","properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
      /nested deeper than/,
    ],
    [
      'price [7] and quantity [2]',
      (id) =>
        JSON.stringify({
          type: 'track',
          ...envelope(id),
          event: 'Product Added',
          properties: { product_id: 'p1', price: [7], quantity: [2] },
        }),
      /properties\.(price|quantity): expected a number/,
    ],
    [
      'NUL character in a trait',
      (id) => JSON.stringify({ type: 'identify', ...envelope(id), traits: { first_name: 'A\u0000B' } }),
      /traits\.first_name: contains \\u0000/,
    ],
    ...(
      [
        ['Order Delivered without order_id', 'Order Delivered', {}, /properties\.order_id/],
        ['Order Refunded with an empty order_id', 'Order Refunded', { order_id: '' }, /properties\.order_id/],
        ['Product Reviewed with rating 6', 'Product Reviewed', { product_id: 'p1', rating: 6 }, /properties\.rating/],
        ['Survey Answered with score 11', 'Survey Answered', { score: 11 }, /properties\.score/],
        [
          'Survey Answered with a dispatch_id that is no uuid',
          'Survey Answered',
          { score: 3, dispatch_id: 'x' },
          /properties\.dispatch_id/,
        ],
      ] as const
    ).map(([label, event, properties, reason]): [string, (id: string) => string, RegExp] => [
      label,
      (id) => JSON.stringify({ type: 'track', ...envelope(id), event, properties }),
      reason,
    ]),
    [
      'NUL character in a custom property name',
      (id) => JSON.stringify({ type: 'track', ...envelope(id), event: 'Custom', properties: { 'a\u0000': 1 } }),
      /a key contains \\u0000/,
    ],
  ];

  it.each(poison)('dead-letters %s with its reason and carries on', async (_label, build, reason) => {
    const id = nextId('poison');
    const after = marker();
    await send([message(id, build(id)), after.message]);
    const letter = await deadLettered(id);
    expect(letter.reason).toMatch(reason);
    expect(header(letter.headers, 'x-beckon-source')).toMatch(new RegExp(`^${config.KAFKA_EVENTS_TOPIC}/\\d+/\\d+$`));
    await eventually(() => stored(after.id), 30000, 'the event behind the poison');
    expect(await stored(id)).toBe(false);
  });

  it('repairs a lone UTF-16 surrogate in a name to U+FFFD and stores the event', async () => {
    const id = nextId('surrogate');
    // JSON.stringify would escape it the same way; written out so the test shows the bytes on the wire.
    const value = `{"type":"identify","messageId":"${id}","timestamp":"${new Date().toISOString()}","userId":"u-surrogate","traits":{"first_name":"Ana\\ud800","email":"ana@example.com","\\udc00key":"x"}}`;
    await send([message(id, value, 'u-surrogate')]);
    await eventually(() => stored(id), 30000, 'the repaired identify');
    const { rows } = await db.query(`SELECT first_name, traits FROM customers WHERE id = 'u-surrogate'`);
    expect(rows[0].first_name).toBe('Ana\uFFFD');
    expect(rows[0].traits).toMatchObject({ '\uFFFDkey': 'x' });
    expect(deadLetters.has(id)).toBe(false);
  });

  it('finds the one event the database refuses in a batch, dead-letters it with the database error and stores the rest', async () => {
    // A number JavaScript reads as 0 but PostgreSQL's jsonb cannot hold: the parser cannot see it.
    const bad = nextId('tiny');
    const good = Array.from({ length: 40 }, () => nextId('good'));
    const goodEvent = (id: string) =>
      message(id, JSON.stringify({ type: 'track', ...envelope(id), event: 'Custom', properties: { n: 1 } }));
    const tiny = `{"type":"track","messageId":"${bad}","timestamp":"${new Date().toISOString()}","userId":"u-poison","event":"Custom","properties":{"x":1e-20000}}`;
    await send([...good.slice(0, 20).map(goodEvent), message(bad, tiny), ...good.slice(20).map(goodEvent)]);
    const letter = await deadLettered(bad);
    expect(letter.reason).toMatch(/^database refused: 22003 value overflows numeric format/);
    expect(letter.value.toString()).toBe(tiny);
    for (const id of good) await eventually(() => stored(id), 30000, `good event ${id}`);
  });

  it('dead-letters an event over 1 MB that came in gzip-compressed, truncated, with its key and headers', async () => {
    const id = nextId('huge');
    const huge = JSON.stringify({ type: 'identify', ...envelope(id), traits: { note: 'x'.repeat(1_200_000) } });
    const after = marker();
    await send(
      [{ key: 'u-poison', value: huge, headers: { 'x-test-id': id, 'x-shop': 'demo' } }, after.message],
      CompressionTypes.GZIP,
    );
    const letter = await deadLettered(id);
    expect(letter.reason).toMatch(/over the 1 MB limit/);
    expect(header(letter.headers, 'x-shop')).toBe('demo');
    expect(header(letter.headers, 'x-beckon-truncated-from')).toBe(String(Buffer.byteLength(huge)));
    expect(letter.value.length).toBeLessThan(Buffer.byteLength(huge));
    expect(huge.startsWith(letter.value.toString())).toBe(true);
    await eventually(() => stored(after.id), 30000, 'the event behind the huge one');
  });

  it('dead-letters two invalid ~700 KB events and 150 invalid 8 KB events of one batch, under the broker limit', async () => {
    const big = [nextId('big'), nextId('big')];
    const small = Array.from({ length: 150 }, () => nextId('small'));
    // Valid JSON, refused by the schema (no userId): stays on the topic at its full size.
    const invalid = (id: string, bytes: number) =>
      JSON.stringify({ type: 'identify', messageId: id, timestamp: new Date().toISOString(), pad: 'y'.repeat(bytes) });
    const after = marker();
    await send(
      [
        ...big.map((id) => message(id, invalid(id, 700_000))),
        ...small.map((id) => message(id, invalid(id, 8_000))),
        after.message,
      ],
      CompressionTypes.GZIP,
    );
    for (const id of [...big, ...small])
      expect((await deadLettered(id)).reason).toBe('userId or anonymousId is required');
    await eventually(() => stored(after.id), 30000, 'the event behind the large batch');
  });

  it('stores or dead-letters every one of a thousand generated events from the schema edges, as the oracle expects', async () => {
    const events = hostileEvents(1000, 20261203);
    for (let i = 0; i < events.length; i += 100) {
      await send(events.slice(i, i + 100).map((e) => message(e.id, e.text, e.key)));
    }
    const outcomes = await eventually(
      async () => {
        const { rows } = await db.query<{ message_id: string }>(
          `SELECT message_id FROM customer_events WHERE message_id = ANY($1)`,
          [events.map((e) => e.id)],
        );
        const inStore = new Set(rows.map((r) => r.message_id));
        const done = events.every((e) => inStore.has(e.id) || deadLetters.has(e.id));
        return done ? inStore : undefined;
      },
      60000,
      'every generated event stored or dead-lettered',
    );
    const wrong = events.filter((e) => {
      const inStore = outcomes.has(e.id);
      const letter = deadLetters.get(e.id);
      if (inStore && letter) return true;
      if (letter && letter.reason.length === 0) return true;
      return e.expect === 'stored' ? !inStore : e.expect === 'dead-lettered' ? inStore : false;
    });
    expect(
      wrong.map((e) => ({ why: e.why, text: e.text.slice(0, 300), reason: deadLetters.get(e.id)?.reason })),
    ).toEqual([]);
    // Both sides were exercised.
    expect(events.filter((e) => outcomes.has(e.id)).length).toBeGreaterThan(100);
    expect(events.filter((e) => deadLetters.has(e.id)).length).toBeGreaterThan(100);
  });
});

/**
 * Found by the fault suite: each partition's batch held a pooled connection while the rule cache
 * asked the pool for another, so with more partitions busy than spare connections, every batch
 * waited for a connection no batch would give back, and the engine stopped for good.
 */
describe('engine: a database pool smaller than the partitions consumed at once', () => {
  it('stores every event of four busy partitions with two connections', async () => {
    const databaseUrl = await createTestDatabase('small_pool');
    const config = testConfig(databaseUrl, { DATABASE_POOL_SIZE: '2' });
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // A rule, so every batch consults the rule cache inside its transaction.
    await db.query(
      `INSERT INTO rules (name, trigger, enabled, params, steps, priority)
       VALUES ('Cart', 'abandoned_cart', true, '{"minCartValue":0}', $1, 100)`,
      [JSON.stringify([{ after: 'PT1H', channels: ['email'], email: { subject: 'x', text: 'x' } }])],
    );
    const app = await createEngineApp(config);
    const { producer } = await connectProducer(config.KAFKA_BROKERS);
    try {
      await app.listen(0, '127.0.0.1');
      await eventually(async () => app.get(StorefrontEventsConsumer).isReady, 30000, 'engine consumer to join');
      const ids: string[] = [];
      for (let wave = 0; wave < 5; wave++) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const id = `pool-${wave}-${i}`;
          ids.push(id);
          const userId = `u-pool-${i}`;
          return {
            key: userId,
            value: JSON.stringify({
              type: 'track',
              event: 'Product Added',
              messageId: id,
              userId,
              timestamp: new Date().toISOString(),
              properties: { cart_id: `c-${userId}`, product_id: 'p1', price: 10 },
            }),
          };
        });
        await producer.send({ topic: config.KAFKA_EVENTS_TOPIC, acks: -1, messages });
      }
      await eventually(
        async () =>
          (await db.query(`SELECT count(*)::int AS n FROM customer_events WHERE message_id = ANY($1)`, [ids])).rows[0]
            .n === ids.length,
        60000,
        'every event stored',
      );
    } finally {
      await producer.disconnect();
      await app.close();
      await db.end();
      await dropTestDatabase(databaseUrl);
    }
  });
});
