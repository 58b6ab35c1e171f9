import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { topicNames } from '../libs/contracts/src';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { eventually } from './support/storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const DUE = 400;

/**
 * Timers live in PostgreSQL: steps that came due while no engine ran fire when one starts, and two
 * engines polling the same table fire each step exactly once.
 */
describe('durable timers shared by two engine instances', () => {
  let databaseUrl: string;
  let db: Client;
  let engines: INestApplication[] = [];
  let consumer: Consumer;
  const fired = new Map<string, number>();

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('timers');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    for (const engine of engines) await engine.close();
    await db?.end();
    await dropTestDatabase(databaseUrl);
  });

  it('fires every due step once, from rows written before any engine ran', async () => {
    const config = testConfig(databaseUrl, { TIMER_POLL_MS: '20' });
    const [{ id: ruleId }] = (
      await db.query(
        `INSERT INTO rules (name, trigger, enabled, params, steps, priority)
         VALUES ('r', 'abandoned_cart', true, '{"minCartValue":0}', $1, 100) RETURNING id`,
        [
          JSON.stringify([
            { after: 'PT1H', channels: ['email'], email: { subject: 'Hi {{ customer.first_name }}', text: 't' } },
          ]),
        ],
      )
    ).rows;
    await db.query(
      `INSERT INTO customers (id, email, first_name) SELECT 'u' || i, 'u' || i || '@example.com', 'N' || i FROM generate_series(1, $1) i`,
      [DUE],
    );
    await db.query(
      `INSERT INTO carts (id, customer_id, items, value, status, last_activity_at)
       SELECT 'c' || i, 'u' || i, '[{"product_id":"p","price":10,"quantity":1}]', 10, 'open', now() - interval '2 hours'
       FROM generate_series(1, $1) i`,
      [DUE],
    );
    await db.query(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, status, due_at)
       SELECT $2 || '|u' || i || '|cart:c' || i || '|0', $2::uuid, 'u' || i, 'cart:c' || i, 0, 'scheduled', now() - interval '1 hour'
       FROM generate_series(1, $1) i`,
      [DUE, ruleId],
    );

    const kafka = new Kafka({ clientId: 'timers-test', brokers: config.KAFKA_BROKERS, logLevel: 1 });
    consumer = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-timers` });
    const topics = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX);

    engines = await Promise.all([createEngineApp(config), createEngineApp(config)]);
    await Promise.all(engines.map((engine) => engine.listen(0, '127.0.0.1')));
    await consumer.connect();
    await consumer.subscribe({ topic: topics.emailDispatch, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { dispatchId } = JSON.parse(message.value!.toString()) as { dispatchId: string };
        fired.set(dispatchId, (fired.get(dispatchId) ?? 0) + 1);
      },
    });

    await eventually(async () => fired.size === DUE, 60000, `${DUE} dispatch messages`);
    // Give a late duplicate the chance to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fired.size).toBe(DUE);
    expect([...fired.values()].every((count) => count === 1)).toBe(true);
    const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM dispatches GROUP BY status`);
    expect(rows).toEqual([{ status: 'queued', n: DUE }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n).toBe(0);
  });
});
