import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import { BeckonConfig } from '../libs/config/src';
import { topicNames } from '../libs/contracts/src';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { StorefrontEventsConsumer } from '../apps/engine/src/ingestion/storefront-events.consumer';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';
import { connectProducer, eventually, identify, product, produceEvents, track } from './support/storefront';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe('engine: ingestion, abandoned-cart timers and the outbox', () => {
  let config: BeckonConfig;
  let databaseUrl: string;
  let app: INestApplication;
  let db: Client;
  let producer: Producer;
  let kafka: Kafka;
  let dlq: Consumer;
  let emailOut: Consumer;
  const deadLetters: Array<{ value: string; reason: string }> = [];
  const emailMessages: Array<Record<string, unknown>> = [];
  let ruleId: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('engine');
    config = testConfig(databaseUrl);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const [rule] = (
      await db.query(
        `INSERT INTO rules (name, trigger, enabled, params, steps, priority) VALUES ($1, 'abandoned_cart', true, $2, $3, 100) RETURNING id`,
        [
          'Cart reminder',
          JSON.stringify({ minCartValue: 10 }),
          JSON.stringify([
            {
              after: 'PT30M',
              channels: ['email', 'webpush'],
              email: {
                subject: '{{ customer.first_name }}, your cart is waiting',
                html: '<p>{{ cart.items[0].name }}</p>',
                text: 'x',
              },
              webpush: {
                title: 'Still thinking?',
                body: '{{ cart.item_count }} items',
              },
            },
            {
              after: 'PT1S',
              channels: ['email'],
              email: { subject: 'Last call', text: 'bye' },
            },
          ]),
        ],
      )
    ).rows;
    ruleId = rule.id;

    app = await createEngineApp(config);
    await app.listen(0, '127.0.0.1');
    ({ producer, kafka } = await connectProducer(config.KAFKA_BROKERS));
    const topics = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX);
    dlq = kafka.consumer({
      groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-dlq`,
    });
    emailOut = kafka.consumer({
      groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-email`,
    });
    for (const [consumer, topic, sink] of [
      [
        dlq,
        topics.eventsDeadLetter,
        (value: string, headers: Record<string, unknown>) =>
          deadLetters.push({
            value,
            reason: String(headers['x-beckon-reason']),
          }),
      ],
      [emailOut, topics.emailDispatch, (value: string) => emailMessages.push(JSON.parse(value))],
    ] as const) {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          sink(message.value!.toString(), message.headers ?? {});
        },
      });
    }
    const engine = app.get(StorefrontEventsConsumer);
    await eventually(async () => engine.isReady, 30000, 'engine consumer to join');
  });

  afterAll(async () => {
    await Promise.all([dlq?.disconnect(), emailOut?.disconnect(), producer?.disconnect()]);
    await app?.close();
    await db?.end();
    await dropTestDatabase(databaseUrl);
  });

  it('projects a cart left alone into a queued email reminder, then its second step', async () => {
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify(
        { userId: 'u-ada' },
        {
          email: 'Ada@Example.com',
          firstName: 'Ada',
          timezone: 'Europe/Berlin',
        },
        minutesAgo(50),
      ),
      track({ userId: 'u-ada' }, 'Product Added', { cart_id: 'c-ada', ...product('p1', 25) }, minutesAgo(45)),
      track({ userId: 'u-ada' }, 'Product Added', { cart_id: 'c-ada', ...product('p2', 5) }, minutesAgo(40)),
    ]);
    const message = await eventually(
      async () => emailMessages.find((m) => m.customerId === 'u-ada' && m.step === 1),
      20000,
      'first reminder',
    );
    expect(message).toMatchObject({
      to: 'ada@example.com',
      subject: 'Ada, your cart is waiting',
      ruleId,
      channel: 'email',
    });
    expect(message.html).toContain('Product p1');
    expect(String(message.unsubscribeUrl)).toMatch(/^https:\/\/shop\.example\.com\/u\/[\w-]+\.[\w-]+$/);

    await eventually(
      async () => emailMessages.find((m) => m.customerId === 'u-ada' && m.step === 2),
      20000,
      'second reminder',
    );
    const { rows } = await db.query(
      `SELECT step, status, channel FROM dispatches WHERE customer_id = 'u-ada' ORDER BY step`,
    );
    expect(rows).toEqual([
      { step: 0, status: 'queued', channel: 'email' },
      { step: 1, status: 'queued', channel: 'email' },
    ]);
  });

  it('ends the sequence when the cart is ordered before the reminder is due', async () => {
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify({ userId: 'u-bob' }, { email: 'bob@example.com' }),
      track({ userId: 'u-bob' }, 'Product Added', {
        cart_id: 'c-bob',
        ...product('p1', 25),
      }),
    ]);
    await eventually(
      async () =>
        (await db.query(`SELECT 1 FROM dispatches WHERE customer_id = 'u-bob' AND status = 'scheduled'`)).rowCount ===
        1,
    );
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      track({ userId: 'u-bob' }, 'Order Completed', {
        order_id: 'o-bob',
        cart_id: 'c-bob',
        total: 25,
        products: [product('p1', 25)],
      }),
    ]);
    const row = await eventually(async () => {
      const { rows } = await db.query(`SELECT status, reason FROM dispatches WHERE customer_id = 'u-bob'`);
      return rows[0]?.status === 'suppressed' ? rows[0] : undefined;
    });
    expect(row).toEqual({ status: 'suppressed', reason: 'order_completed' });
  });

  it('does not remind below the minimum cart value, and drops duplicate messageIds', async () => {
    const added = track({ userId: 'u-cheap' }, 'Product Added', {
      cart_id: 'c-cheap',
      ...product('p9', 3),
    });
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify({ userId: 'u-cheap' }, { email: 'c@example.com' }),
      added,
      added,
    ]);
    await eventually(async () => (await db.query(`SELECT 1 FROM carts WHERE id = 'c-cheap'`)).rowCount === 1);
    const cart = await db.query(`SELECT items FROM carts WHERE id = 'c-cheap'`);
    expect(cart.rows[0].items).toHaveLength(1);
    expect(cart.rows[0].items[0].quantity).toBe(1);
    expect((await db.query(`SELECT 1 FROM dispatches WHERE customer_id = 'u-cheap'`)).rowCount).toBe(0);
  });

  it('arms the reminder again when an emptied cart is filled again', async () => {
    const line = { cart_id: 'c-again', ...product('p4', 30) };
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify({ userId: 'u-again' }, { email: 'again@example.com' }),
      track({ userId: 'u-again' }, 'Product Added', line),
    ]);
    const pending = `SELECT status, reason FROM dispatches WHERE occasion = 'cart:c-again'`;
    await eventually(async () => (await db.query(pending)).rows[0]?.status === 'scheduled');
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [track({ userId: 'u-again' }, 'Product Removed', line)]);
    await eventually(async () => (await db.query(pending)).rows[0]?.reason === 'cart_emptied');
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [track({ userId: 'u-again' }, 'Product Added', line)]);
    const row = await eventually(async () => {
      const { rows } = await db.query(pending);
      return rows[0]?.status === 'scheduled' ? rows : undefined;
    });
    expect(row).toEqual([{ status: 'scheduled', reason: null }]);
  });

  it('sends malformed events to the dead-letter topic with the reason and carries on', async () => {
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      '{not json',
      {
        type: 'track',
        messageId: 'm-no-ts',
        userId: 'u-x',
        event: 'Product Added',
        properties: {},
      },
      identify({ userId: 'u-after' }, { email: 'after@example.com' }),
    ]);
    await eventually(async () => deadLetters.length >= 2, 20000, 'dead letters');
    expect(deadLetters.map((d) => d.reason).sort()).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^timestamp/),
    ]);
    await eventually(
      async () => (await db.query(`SELECT 1 FROM customers WHERE id = 'u-after'`)).rowCount === 1,
      20000,
      'later event',
    );
  });

  it('merges an anonymous visitor into the user on identify', async () => {
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      track({ anonymousId: 'a-1' }, 'Product Added', {
        cart_id: 'c-anon',
        ...product('p3', 40),
      }),
    ]);
    await eventually(async () => (await db.query(`SELECT 1 FROM carts WHERE id = 'c-anon'`)).rowCount === 1);
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      {
        ...identify({ userId: 'u-merged' }, { email: 'm@example.com' }),
        anonymousId: 'a-1',
      },
    ]);
    const cart = await eventually(async () => {
      const { rows } = await db.query(`SELECT customer_id FROM carts WHERE id = 'c-anon'`);
      return rows[0]?.customer_id === 'u-merged' ? rows[0] : undefined;
    });
    expect(cart.customer_id).toBe('u-merged');
    const { rows } = await db.query(`SELECT merged_into FROM customers WHERE id = 'anon:a-1'`);
    expect(rows[0].merged_into).toBe('u-merged');
    const pending = await db.query(`SELECT customer_id FROM dispatches WHERE occasion = 'cart:c-anon'`);
    expect(pending.rows).toEqual([{ customer_id: 'u-merged' }]);
  });
});
