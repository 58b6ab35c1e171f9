import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { topicNames } from '../libs/contracts/src';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { eventually } from './support/storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

/**
 * Two triggers want the same customer at once: the higher-priority rule's message goes first, even
 * though the other step has been due longer.
 */
describe('priority between triggers', () => {
  let databaseUrl: string;
  let db: Client;
  let engine: INestApplication;
  let consumer: Consumer;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('priority');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await engine?.close();
    await db?.end();
    await dropTestDatabase(databaseUrl);
  });

  it('sends the higher-priority rule’s step first when both are due in one batch', async () => {
    const config = testConfig(databaseUrl);
    const rule = async (trigger: string, params: unknown, priority: number, subject: string) =>
      (
        await db.query(
          `INSERT INTO rules (name, trigger, params, steps, priority) VALUES ($1, $1, $2, $3, $4) RETURNING id`,
          [
            trigger,
            JSON.stringify(params),
            JSON.stringify([{ after: 'PT0S', channels: ['email'], email: { subject, text: 'x' } }]),
            priority,
          ],
        )
      ).rows[0].id as string;
    const sleeping = await rule('sleeping_customer', { inactiveDays: 90 }, 50, 'We miss you');
    // Sent at midnight UTC, so today's greeting came due a few hours ago at most.
    const birthday = await rule('birthday', { daysBefore: 0, sendAt: '00:00' }, 200, 'Happy birthday');
    const lastOrderAt = new Date(Date.now() - 100 * 24 * 3600 * 1000);
    const today = new Date();
    await db.query(
      `INSERT INTO customers (id, email, birthday, timezone, last_order_at, order_count)
       VALUES ('u1', 'u1@example.com', $1, 'UTC', $2, 1)`,
      [`1990${today.toISOString().slice(4, 10)}`, lastOrderAt.toISOString()],
    );
    // The sleep step is overdue by ten days, the birthday step by hours: without priority, sleep goes first.
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at) VALUES
         ($1 || '|u1|' || $2 || '|0', $1::uuid, 'u1', $2, 0, 'scheduled', $3),
         ($4 || '|u1|' || $5 || '|0', $4::uuid, 'u1', $5, 0, 'scheduled', $6)`,
      [
        sleeping,
        `sleep:${lastOrderAt.toISOString()}`,
        new Date(lastOrderAt.getTime() + 90 * 24 * 3600 * 1000).toISOString(),
        birthday,
        `birthday:${today.getUTCFullYear()}`,
        `${today.toISOString().slice(0, 10)}T00:00:00Z`,
      ],
    );

    // The engine creates its topics; the messages it sends before we listen are read from the beginning.
    engine = await createEngineApp(config);
    await engine.listen(0, '127.0.0.1');
    const subjects: string[] = [];
    const kafka = new Kafka({ clientId: 'priority-test', brokers: config.KAFKA_BROKERS, logLevel: 1 });
    consumer = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-priority` });
    await consumer.connect();
    await consumer.subscribe({
      topic: topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).emailDispatch,
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        subjects.push((JSON.parse(message.value!.toString()) as { subject: string }).subject);
      },
    });
    await eventually(async () => subjects.length === 2, 30000, 'both messages');
    expect(subjects).toEqual(['Happy birthday', 'We miss you']);
  });
});
