import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
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
