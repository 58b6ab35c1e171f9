import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import { createEmailApp } from '../apps/email/src/email.app';
import { BeckonConfig } from '../libs/config/src';
import { EmailDispatchMessage, topicNames } from '../libs/contracts/src';
import { waitUntilDeliveryReady } from '../libs/delivery/src';
import { verifyDkim } from './support/dkim-verify';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

/**
 * What a receiving mailbox provider checks: List-Unsubscribe with the HTTPS link and the mailto, and
 * a DKIM signature covering both unsubscribe headers.
 */
describe('email headers as the receiver sees them', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let databaseUrl: string;
  let config: BeckonConfig;
  let db: Client;
  let sink: SmtpSink;
  let app: INestApplication;
  let producer: Producer;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('email_headers');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    sink = await startSmtpSink();
    config = testConfig(databaseUrl, {
      SMTP_URL: sink.url,
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 'beckon2025',
      UNSUBSCRIBE_MAILTO: 'unsubscribe@example.com',
      // As an env file carries it: one line, newlines escaped.
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n'),
    });
    app = await createEmailApp(config);
    await waitUntilDeliveryReady(app);
    const kafka = new Kafka({
      clientId: 'email-headers-test',
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await sink?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function send(overrides: Partial<EmailDispatchMessage> = {}) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status)
       VALUES ($1, gen_random_uuid(), 'ada', 'test', 1, 'email', 'queued') RETURNING id::text`,
      [randomUUID()],
    );
    const id = rows[0].id;
    const message: EmailDispatchMessage = {
      dispatchId: id,
      ruleId: randomUUID(),
      customerId: 'ada',
      step: 1,
      correlationId: randomUUID(),
      createdAt: new Date().toISOString(),
      channel: 'email',
      to: 'ada@example.net',
      subject: 'Your cart is waiting — 2 items',
      html: '<p>You left   something behind</p>',
      text: 'You left something behind  ',
      unsubscribeUrl: `https://shop.example.com/u/${'t'.repeat(90)}.${id}`,
      ...overrides,
    };
    const topic = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX).emailDispatch;
    await producer.send({ topic, messages: [{ key: 'ada', value: JSON.stringify(message) }] });
    return { id, mail: await sink.waitFor((m) => m.headers['x-beckon-dispatch'] === id) };
  }

  it('lists the HTTPS link then the mailto, and signs both unsubscribe headers with DKIM', async () => {
    const { id, mail } = await send();
    expect(mail.headers['list-unsubscribe']).toBe(
      `<https://shop.example.com/u/${'t'.repeat(90)}.${id}>, <mailto:unsubscribe@example.com?subject=unsubscribe%20${id}>`,
    );
    const result = verifyDkim(mail.raw, publicKey);
    expect(result).toMatchObject({ domain: 'example.com', selector: 'beckon2025' });
    expect(result.signedHeaders).toEqual(
      expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']),
    );
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('signs transactional mail too, without the list headers it does not carry', async () => {
    const { mail } = await send({ unsubscribeUrl: undefined });
    const result = verifyDkim(mail.raw, publicKey);
    expect(result.signedHeaders).not.toContain('list-unsubscribe');
    expect(result.signedHeaders).toContain('from');
  });

  it('is caught by the check when a signed header is changed on the way', async () => {
    const { mail } = await send();
    const tampered = mail.raw.replace(/^List-Unsubscribe-Post: .*$/m, 'List-Unsubscribe-Post: List-Unsubscribe=Never');
    expect(() => verifyDkim(tampered, publicKey)).toThrow('signature does not verify');
  });
});
