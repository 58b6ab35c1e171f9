import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { topicNames } from '../libs/contracts/src';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { eventually } from './support/storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

const SLEEPERS = 12_000;
const AWAKE = 3_000;

/**
 * Two engines scan the same history for the same rule at the same time: each sleeper gets exactly one
 * first step and one message, whichever engine found them and whichever fired them.
 */
describe('moment scans shared by two engine instances', () => {
  let databaseUrl: string;
  let db: Client;
  let engines: INestApplication[] = [];
  let consumer: Consumer;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('moment_scan');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    for (const engine of engines) await engine.close();
    await db?.end();
    await dropTestDatabase(databaseUrl);
  });

  it('schedules and sends every sleeper exactly once', async () => {
    const config = testConfig(databaseUrl, { SCAN_INTERVAL_MS: '50', TIMER_POLL_MS: '50' });
    // Many sleepers share a last-order time, so pages break ties by customer id.
    await db.query(
      `INSERT INTO customers (id, email, last_order_at, order_count)
       SELECT 'u' || i, 'u' || i || '@example.com', now() - interval '100 days' - (i % 500) * interval '1 hour', 1
       FROM generate_series(1, $1) i`,
      [SLEEPERS],
    );
    await db.query(
      `INSERT INTO customers (id, email, last_order_at, order_count)
       SELECT 'a' || i, 'a' || i || '@example.com', now() - interval '10 days', 1 FROM generate_series(1, $1) i`,
      [AWAKE],
    );
    const [{ id: ruleId }] = (
      await db.query(
        `INSERT INTO rules (name, trigger, params, steps) VALUES ('Win back', 'sleeping_customer', $1, $2) RETURNING id`,
        [
          JSON.stringify({ inactiveDays: 90 }),
          JSON.stringify([{ after: 'PT0S', channels: ['email'], email: { subject: 'We miss you', text: 'x' } }]),
        ],
      )
    ).rows;

    engines = await Promise.all([createEngineApp(config), createEngineApp(config)]);
    await Promise.all(engines.map((engine) => engine.listen(0, '127.0.0.1')));
    const fired = new Map<string, number>();
    const kafka = new Kafka({ clientId: 'moment-scan-test', brokers: config.KAFKA_BROKERS, logLevel: 1 });
    consumer = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-moment-scan` });
    await consumer.connect();
    await consumer.subscribe({
      topic: topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).emailDispatch,
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { customerId } = JSON.parse(message.value!.toString()) as { customerId: string };
        fired.set(customerId, (fired.get(customerId) ?? 0) + 1);
      },
    });

    await eventually(async () => fired.size === SLEEPERS, 90000, `${SLEEPERS} messages`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fired.size).toBe(SLEEPERS);
    expect([...fired.values()].every((count) => count === 1)).toBe(true);
    expect([...fired.keys()].some((id) => id.startsWith('a'))).toBe(false);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers,
              count(*) FILTER (WHERE correlation_id LIKE 'scan:' || rule_id || ':%')::int AS scanned
       FROM dispatches WHERE rule_id = $1`,
      [ruleId],
    );
    // No event started these: each names the rule's scan that found the sleeper.
    expect(rows).toEqual([{ n: SLEEPERS, customers: SLEEPERS, scanned: SLEEPERS }]);
  });
});
