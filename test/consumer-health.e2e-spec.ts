import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { createEmailApp } from '../apps/email/src/email.app';
import { BeckonConfig } from '../libs/config/src';
import { consumerGroup, topicNames, TopicNames } from '../libs/contracts/src';
import { waitUntilDeliveryReady } from '../libs/delivery/src';
import { BatchConsumer, createKafka, DEFAULT_CONSUMER_SETTINGS, ensureTopics } from '../libs/kafka/src';
import { scrape, valueOf } from './support/prometheus';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { createTestDatabase, dropTestDatabase, KAFKA_BROKERS, testConfig } from './support/test-env';

/** Short enough for a test; the default is a minute. */
const STALL_MS = 1_500;
const STALLED_GAUGE = 'beckon_kafka_stalled_partitions';

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('consumer health: a partition that makes no progress is reported, and clears once it does', () => {
  let databaseUrl: string;
  let config: BeckonConfig;
  let topics: TopicNames;
  let db: Client;
  let sink: SmtpSink;
  let emailApp: INestApplication;
  let producer: Producer;
  let kafka: Kafka;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('consumer_health');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    sink = await startSmtpSink();
    config = testConfig(databaseUrl, { SMTP_URL: sink.url, CONSUMER_STALL_MS: String(STALL_MS) });
    topics = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX);
    emailApp = await createEmailApp(config);
    await waitUntilDeliveryReady(emailApp);
    kafka = new Kafka({ clientId: 'consumer-health-test', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await emailApp?.close();
    await sink?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${await emailApp.getUrl()}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function stalledGauge(): Promise<number> {
    const samples = await scrape(await emailApp.getUrl());
    expect(samples.some((sample) => sample.name === STALLED_GAUGE)).toBe(true);
    return valueOf(samples, STALLED_GAUGE, { group: consumerGroup(config.KAFKA_INTERNAL_PREFIX, 'email') });
  }

  it('answers 503 naming the partition, how long and the database error while its ledger is gone, then 200 once it is back', async () => {
    expect((await health()).status).toBe(200);
    expect(await stalledGauge()).toBe(0);

    // A real fault of the handler's: the table the delivery ledger reads is not there.
    await db.query('ALTER TABLE delivery_attempts RENAME TO delivery_attempts_gone');
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status)
       VALUES ($1, gen_random_uuid(), 'stalled-sam', 'test', 1, 'email', 'queued') RETURNING id`,
      [randomUUID()],
    );
    const dispatchId = rows[0].id;
    await producer.send({
      topic: topics.emailDispatch,
      messages: [
        {
          partition: 2,
          key: 'stalled-sam',
          value: JSON.stringify({
            dispatchId,
            ruleId: randomUUID(),
            customerId: 'stalled-sam',
            step: 1,
            correlationId: randomUUID(),
            createdAt: new Date().toISOString(),
            channel: 'email',
            to: 'stalled-sam@example.com',
            subject: 'Your cart is waiting',
            html: '<p>You left something behind</p>',
            text: 'You left something behind',
            unsubscribeUrl: `https://shop.example.com/u/token-${dispatchId}`,
          }),
        },
      ],
    });
    const produced = Date.now();

    const unhealthy = await eventually(async () => {
      const answer = await health();
      return answer.status === 503 ? answer : undefined;
    }, 'GET /health to answer 503');
    const reportedAfterMs = Date.now() - produced;
    expect(unhealthy.body).toMatchObject({ status: 'error', checks: { postgres: 'up', kafka: 'down' } });
    expect(unhealthy.body.stalled).toEqual([
      {
        topic: topics.emailDispatch,
        partition: 2,
        stalledForMs: expect.any(Number),
        failures: expect.any(Number),
        lastError: expect.stringContaining('relation "delivery_attempts" does not exist'),
        lastSuccessAt: null,
      },
    ]);
    const [stall] = unhealthy.body.stalled as Array<{ stalledForMs: number; failures: number }>;
    expect(stall.stalledForMs).toBeGreaterThanOrEqual(STALL_MS);
    expect(stall.failures).toBeGreaterThanOrEqual(1);
    expect(await stalledGauge()).toBe(1);
    // Still stuck: nothing was sent, and the batch was not skipped.
    expect(sink.messages.filter((mail) => mail.headers['x-beckon-dispatch'] === dispatchId)).toHaveLength(0);

    await db.query('ALTER TABLE delivery_attempts_gone RENAME TO delivery_attempts');
    const healed = Date.now();
    await eventually(async () => {
      const { rows: sent } = await db.query(`SELECT 1 FROM dispatches WHERE id = $1 AND status = 'sent'`, [dispatchId]);
      return sent.length === 1 ? true : undefined;
    }, 'the held-up dispatch to be sent');
    const sentAfterMs = Date.now() - healed;
    const healthy = await eventually(async () => {
      const answer = await health();
      return answer.status === 200 ? answer : undefined;
    }, 'GET /health to answer 200 again');
    expect(healthy.body).toEqual({ status: 'ok', checks: { postgres: 'up', kafka: 'up' } });
    expect(await stalledGauge()).toBe(0);
    expect(sink.messages.filter((mail) => mail.headers['x-beckon-dispatch'] === dispatchId)).toHaveLength(1);
    console.log(
      `consumer-health: 503 reported ${reportedAfterMs} ms after the produce (threshold ${STALL_MS} ms, ` +
        `${stall.failures} failed attempt(s)); sent ${sentAfterMs} ms after the fault ended`,
    );
  });
});

describe('engine health: the storefront consumer while its database refuses connections', () => {
  let databaseUrl: string;
  let config: BeckonConfig;
  let engine: INestApplication;
  let producer: Producer;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('engine_health');
    config = testConfig(databaseUrl, { CONSUMER_STALL_MS: String(STALL_MS) });
    engine = await createEngineApp(config);
    await engine.listen(0, '127.0.0.1');
    const kafka = new Kafka({
      clientId: 'engine-health-test',
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
    await admin.connect();
  });

  afterAll(async () => {
    const name = new URL(databaseUrl).pathname.slice(1);
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await producer?.disconnect();
    await engine?.close();
    await admin.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${await engine.getUrl()}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('names the stuck partition and the refused connection, stores the event once the database is back, and is healthy again', async () => {
    await eventually(async () => ((await health()).status === 200 ? true : undefined), 'the engine to be healthy');
    const name = new URL(databaseUrl).pathname.slice(1);
    const topics = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX);

    // The database goes away for this engine: its connections are cut and new ones refused.
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    const userId = `down-dana-${randomUUID()}`;
    await producer.send({
      topic: topics.events,
      messages: [
        {
          partition: 1,
          key: userId,
          value: JSON.stringify({
            type: 'identify',
            messageId: randomUUID(),
            timestamp: new Date().toISOString(),
            userId,
            traits: { email: `${userId}@example.com` },
          }),
        },
      ],
    });

    const stalled = await eventually(async () => {
      const answer = await health();
      return Array.isArray(answer.body.stalled) ? answer : undefined;
    }, 'GET /health to name a stalled partition');
    expect(stalled.status).toBe(503);
    expect(stalled.body.stalled).toEqual([
      expect.objectContaining({
        topic: topics.events,
        partition: 1,
        lastError: expect.stringMatching(/not currently accepting connections|terminating connection/),
      }),
    ]);
    const samples = await scrape(await engine.getUrl());
    expect(valueOf(samples, STALLED_GAUGE, { group: consumerGroup(config.KAFKA_INTERNAL_PREFIX, 'engine') })).toBe(1);

    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    const back = Date.now();
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await eventually(async () => {
        const { rowCount } = await db.query('SELECT 1 FROM customers WHERE id = $1', [userId]);
        return rowCount === 1 ? true : undefined;
      }, 'the event to be stored once the database is back');
    } finally {
      await db.end();
    }
    const storedAfterMs = Date.now() - back;
    const healthy = await eventually(async () => {
      const answer = await health();
      return answer.status === 200 ? answer : undefined;
    }, 'GET /health to answer 200 again');
    expect(healthy.body).toEqual({ status: 'ok', checks: { postgres: 'up', kafka: 'up' } });
    const after = await scrape(await engine.getUrl());
    expect(valueOf(after, STALLED_GAUGE, { group: consumerGroup(config.KAFKA_INTERNAL_PREFIX, 'engine') })).toBe(0);
    console.log(`engine-health: event stored ${storedAfterMs} ms after the database accepted connections again`);
  });
});

describe('BatchConsumer: a handler that throws what kafkajs counts as unrecoverable is still retried', () => {
  it('keeps fetching the batch after TypeErrors, reports the stall, and moves on once the handler succeeds', async () => {
    const run = randomBytes(4).toString('hex');
    const topic = `test.${run}.batch-consumer`;
    const kafka = createKafka([KAFKA_BROKERS], `batch-consumer-test-${run}`);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], 1);
    await admin.disconnect();

    let failing = true;
    let attempts = 0;
    const handled: KafkaMessage[] = [];
    const consumer = new BatchConsumer(kafka, {
      groupId: `test.${run}.batch-consumer`,
      topic,
      settings: { ...DEFAULT_CONSUMER_SETTINGS, stallMs: 500 },
      handle: async (messages) => {
        attempts++;
        // kafkajs's retrier gives up at once on a TypeError and crashes the consumer for good.
        if (failing) throw new TypeError("Cannot read properties of undefined (reading 'price')");
        handled.push(...messages);
      },
    });
    const producer = kafka.producer();
    try {
      await consumer.start();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });

      const [stall] = await eventually(async () => {
        const stalls = consumer.stalledPartitions();
        return stalls.length > 0 && stalls[0].failures >= 2 ? stalls : undefined;
      }, 'a reported stall after two failed attempts');
      expect(stall).toMatchObject({ topic, partition: 0, lastError: expect.stringContaining('TypeError') });
      expect(consumer.isReady).toBe(true);

      failing = false;
      await eventually(async () => (handled.length === 1 ? true : undefined), 'the batch to be handled');
      expect(handled[0].value?.toString()).toBe('v');
      expect(consumer.stalledPartitions()).toEqual([]);
      expect(attempts).toBeGreaterThanOrEqual(3);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });
});
