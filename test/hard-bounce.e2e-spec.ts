import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/create-api-app';
import { createEmailApp } from '../apps/email/src/email.app';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { StorefrontEventsConsumer } from '../apps/engine/src/ingestion/storefront-events.consumer';
import { BeckonConfig } from '../libs/config/src';
import { EmailDispatchMessage, topicNames } from '../libs/contracts/src';
import { waitUntilDeliveryReady } from '../libs/delivery/src';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { connectProducer, eventually, identify, product, produceEvents, track } from './support/storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

/**
 * A hard bounce (SMTP 5xx on RCPT TO) marks the address undeliverable with the outcome; the engine
 * then suppresses email to it with reason `undeliverable` until the customer identifies with another.
 */
describe('hard bounces', () => {
  let databaseUrl: string;
  let config: BeckonConfig;
  let apps: INestApplication[] = [];
  let smtp: SmtpSink;
  let producer: Producer;
  let db: Client;
  let apiUrl: string;

  beforeAll(async () => {
    // Any address at bounce.example does not exist.
    smtp = await startSmtpSink({
      behaviour: ({ stage, recipient }) =>
        stage === 'rcpt' && recipient?.endsWith('@bounce.example')
          ? { code: 550, message: '5.1.1 no such user' }
          : undefined,
    });
    databaseUrl = await createTestDatabase('hard_bounce');
    config = testConfig(databaseUrl, { SMTP_URL: smtp.url });
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const email = (subject: string) => ({ subject, text: 'Your cart is waiting' });
    await db.query(
      `INSERT INTO rules (name, trigger, enabled, params, steps) VALUES ('Cart by email', 'abandoned_cart', true, $1, $2)`,
      [
        JSON.stringify({ minCartValue: 0 }),
        JSON.stringify([
          { after: 'PT1S', channels: ['email'], email: email('first') },
          { after: 'PT3S', channels: ['email'], email: email('second') },
        ]),
      ],
    );
    const engine = await createEngineApp(config);
    await engine.listen(0, '127.0.0.1');
    const mailer = await createEmailApp(config, { retry: { retries: 0 } });
    const api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
    apps = [engine, mailer, api];
    await waitUntilDeliveryReady(mailer);
    await eventually(async () => engine.get(StorefrontEventsConsumer).isReady, 30000, 'engine consumer');
    ({ producer } = await connectProducer(config.KAFKA_BROKERS));
  });

  afterAll(async () => {
    await producer?.disconnect();
    for (const app of apps.reverse()) await app.close();
    await db?.end();
    await smtp?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const customer = async (id: string) =>
    (
      await db.query<{ email: string; email_undeliverable_at: Date | null; email_undeliverable_reason: string | null }>(
        `SELECT email, email_undeliverable_at, email_undeliverable_reason FROM customers WHERE id = $1`,
        [id],
      )
    ).rows[0];

  /** What ops see: GET /v1/customers/{id}. */
  const overview = async (id: string) => {
    const response = await fetch(`${apiUrl}/v1/customers/${id}`, { headers: { 'x-api-key': 'test-ops-key' } });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      consent: unknown;
      emailUndeliverable: { since: string; reason: string } | null;
    };
  };

  const dispatches = async (occasion: string) =>
    (
      await db.query<{ step: number; status: string; reason: string | null }>(
        `SELECT step, status, reason FROM dispatches WHERE occasion = $1 ORDER BY step`,
        [occasion],
      )
    ).rows;

  it('marks the address, suppresses later email as undeliverable, and forgives a new address', async () => {
    const who = { userId: 'u-bounce' };
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify(who, { email: 'ghost@bounce.example', first_name: 'Gus' }),
      track(who, 'Product Added', { cart_id: 'c-1', ...product('beans', 12) }),
    ]);

    const bounced = await eventually(async () => {
      const row = await customer('u-bounce');
      return row?.email_undeliverable_at ? row : undefined;
    }, 30000);
    expect(bounced.email_undeliverable_reason).toMatch(/^550 .*no such user/);
    const seen = await overview('u-bounce');
    expect(seen.emailUndeliverable).toEqual({
      since: bounced.email_undeliverable_at!.toISOString(),
      reason: bounced.email_undeliverable_reason,
    });
    expect(seen.consent).toEqual({ email: true, webpush: true }); // undeliverable is not unsubscribed
    expect((await dispatches('cart:c-1'))[0]).toMatchObject({ step: 0, status: 'failed', reason: 'smtp:550' });

    // Step 2 comes due after the bounce: not even tried.
    const second = await eventually(async () => {
      const rows = await dispatches('cart:c-1');
      return rows[1]?.status === 'suppressed' ? rows[1] : undefined;
    }, 30000);
    expect(second).toMatchObject({ step: 1, reason: 'undeliverable' }); // steps are 0-based in the table
    expect(smtp.rejected.filter((r) => r.envelope.to.includes('ghost@bounce.example'))).toHaveLength(1);

    // The same address again changes nothing.
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [identify(who, { email: 'GHOST@bounce.example' })]);
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [identify(who, { first_name: 'Gustav' })]);
    await eventually(async () => (await db.query(`SELECT 1 FROM customers WHERE first_name = 'Gustav'`)).rowCount);
    expect((await customer('u-bounce')).email_undeliverable_at).toBeInstanceOf(Date);

    // A different one earns a new chance.
    await produceEvents(producer, config.KAFKA_EVENTS_TOPIC, [
      identify(who, { email: 'gus@example.com' }),
      track(who, 'Product Added', { cart_id: 'c-2', ...product('mug', 9) }),
    ]);
    const mail = await smtp.waitFor((m) => m.envelope.to.includes('gus@example.com'), 30000);
    expect(mail.subject).toBe('first');
    expect(await customer('u-bounce')).toMatchObject({
      email: 'gus@example.com',
      email_undeliverable_at: null,
      email_undeliverable_reason: null,
    });
    expect((await overview('u-bounce')).emailUndeliverable).toBeNull();
  });

  it('does not condemn an address the customer has since replaced', async () => {
    await db.query(`INSERT INTO customers (id, email) VALUES ('u-moved', 'new@example.com')`);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status)
       VALUES ($1, gen_random_uuid(), 'u-moved', 'test', 1, 'email', 'queued') RETURNING id::text`,
      [randomUUID()],
    );
    const message: EmailDispatchMessage = {
      dispatchId: rows[0].id,
      ruleId: randomUUID(),
      customerId: 'u-moved',
      step: 1,
      correlationId: randomUUID(),
      createdAt: new Date().toISOString(),
      channel: 'email',
      to: 'old@bounce.example', // composed before the customer changed address
      subject: 'hello',
      text: 'hello',
    };
    const topic = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).emailDispatch;
    await producer.send({ topic, messages: [{ key: 'u-moved', value: JSON.stringify(message) }] });

    await eventually(async () => {
      const { rows: status } = await db.query(`SELECT status FROM dispatches WHERE id = $1`, [rows[0].id]);
      return status[0].status === 'failed';
    });
    expect((await customer('u-moved')).email_undeliverable_at).toBeNull();
  });
});
