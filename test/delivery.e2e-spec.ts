import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Consumer, IHeaders, Kafka, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import webpush from 'web-push';
import { createEmailApp } from '../apps/email/src/email.app';
import { pushTopic } from '../apps/webpush/src/push-payload';
import { createWebPushApp } from '../apps/webpush/src/webpush.app';
import { BeckonConfig } from '../libs/config/src';
import { EmailDispatchMessage, topicNames, TopicNames, WebPushDispatchMessage } from '../libs/contracts/src';
import { waitUntilDeliveryReady } from '../libs/delivery/src';
import {
  generateLocalhostCertificate,
  PushEndpoint,
  PushSubscriptionJSON,
  startPushEndpoint,
} from './support/push-endpoint';
import { freePort } from './faults/free-port';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { createTestDatabase, dropTestDatabase, testConfig } from './support/test-env';

interface DeadLetter {
  topic: string;
  key: string;
  value: string;
  reason: string;
  detail: string | undefined;
}

const FAST_RETRY = { retries: 3, baseDelayMs: 50, maxRetryAfterMs: 2_000 };
const VAPID_SUBJECT = 'mailto:ops@example.com';

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

describe('delivery services: email and web push, exactly once as the shopper sees it', () => {
  let databaseUrl: string;
  let config: BeckonConfig;
  let topics: TopicNames;
  let db: Client;
  let sink: SmtpSink;
  let endpoint: PushEndpoint;
  /** A push service that speaks only HTTP/1.1 (same certificate, so the service trusts both). */
  let http1Endpoint: PushEndpoint;
  let vapid: webpush.VapidKeys;
  let emailApp: INestApplication;
  let pushApp: INestApplication;
  let kafka: Kafka;
  let producer: Producer;
  let dlqConsumer: Consumer;
  const deadLetters: DeadLetter[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('delivery');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    sink = await startSmtpSink();
    const tls = generateLocalhostCertificate();
    endpoint = await startPushEndpoint({ tls });
    http1Endpoint = await startPushEndpoint({ tls, http2: false });
    vapid = webpush.generateVAPIDKeys();
    config = testConfig(databaseUrl, {
      SMTP_URL: sink.url,
      SMTP_POOL_SIZE: '2',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT,
    });
    topics = topicNames(config.KAFKA_EVENTS_TOPIC, config.KAFKA_INTERNAL_PREFIX);
    emailApp = await createEmailApp(config, { retry: FAST_RETRY });
    pushApp = await createWebPushApp(config, { ca: endpoint.ca, retry: FAST_RETRY });
    await Promise.all([waitUntilDeliveryReady(emailApp), waitUntilDeliveryReady(pushApp)]);

    kafka = new Kafka({ clientId: 'delivery-test', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    dlqConsumer = kafka.consumer({ groupId: `${config.KAFKA_INTERNAL_PREFIX}.test-dlq`, maxWaitTimeInMs: 100 });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topics: [topics.emailDeadLetter, topics.webPushDeadLetter], fromBeginning: true });
    await dlqConsumer.run({
      eachMessage: async ({ topic, message }) => {
        deadLetters.push({
          topic,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          reason: header(message.headers, 'x-beckon-reason') ?? '',
          detail: header(message.headers, 'x-beckon-detail'),
        });
      },
    });
  });

  afterAll(async () => {
    await dlqConsumer?.disconnect();
    await producer?.disconnect();
    await emailApp?.close();
    await pushApp?.close();
    await sink?.close();
    await endpoint?.close();
    await http1Endpoint?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function insertDispatch(channel: 'email' | 'webpush', customerId: string): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status)
       VALUES ($1, gen_random_uuid(), $2, 'test', 1, $3, 'queued') RETURNING id`,
      [randomUUID(), customerId, channel],
    );
    return rows[0].id;
  }

  async function dispatchRow(id: string) {
    const { rows } = await db.query(
      `SELECT d.status, d.reason, d.provider_response, d.sent_at, a.state, a.attempts, a.finished_at
         FROM dispatches d LEFT JOIN delivery_attempts a ON a.dispatch_id = d.id WHERE d.id = $1`,
      [id],
    );
    return rows[0] as {
      status: string;
      reason: string | null;
      provider_response: string | null;
      sent_at: Date | null;
      state: string | null;
      attempts: number | null;
      finished_at: Date | null;
    };
  }

  const settled = (id: string, status?: string) =>
    eventually(
      async () => {
        const row = await dispatchRow(id);
        const done = status ? row.status === status : ['sent', 'failed', 'suppressed'].includes(row.status);
        return done ? row : undefined;
      },
      `dispatch ${id} to become ${status ?? 'final'}`,
    );

  const deadLetterFor = (id: string) =>
    eventually(async () => deadLetters.find((d) => d.value.includes(id)), `a dead letter for ${id}`);

  const envelope = (dispatchId: string, customerId: string) => ({
    dispatchId,
    ruleId: randomUUID(),
    customerId,
    step: 1,
    correlationId: randomUUID(),
    createdAt: new Date().toISOString(),
  });

  function emailMessage(
    dispatchId: string,
    customerId: string,
    overrides: Partial<EmailDispatchMessage> = {},
  ): EmailDispatchMessage {
    return {
      ...envelope(dispatchId, customerId),
      channel: 'email',
      to: `${customerId}@example.com`,
      subject: 'Your cart is waiting',
      html: '<p>You left something behind</p>',
      text: 'You left something behind',
      unsubscribeUrl: `https://shop.example.com/u/token-${dispatchId}`,
      ...overrides,
    };
  }

  function pushMessage(
    dispatchId: string,
    customerId: string,
    subscriptions: PushSubscriptionJSON[],
    overrides: Partial<WebPushDispatchMessage> = {},
  ): WebPushDispatchMessage {
    return {
      ...envelope(dispatchId, customerId),
      channel: 'webpush',
      subscriptions: subscriptions.map(({ endpoint: url, keys }) => ({ endpoint: url, keys })),
      notification: {
        title: 'Still thinking?',
        body: '2 items in your cart',
        url: 'https://shop.example.com/cart',
        icon: 'https://shop.example.com/icon.png',
      },
      ttlSeconds: 3600,
      urgency: 'high',
      topic: 'cart-1',
      ...overrides,
    };
  }

  async function produce(topic: string, key: string, ...values: Array<object | string>): Promise<void> {
    await producer.send({
      topic,
      messages: values.map((value) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })),
    });
  }

  async function subscribe(customerId: string, name?: string, at = endpoint): Promise<PushSubscriptionJSON> {
    const subscription = at.subscribe(name);
    await db.query(`INSERT INTO push_subscriptions (endpoint, customer_id, p256dh, auth) VALUES ($1, $2, $3, $4)`, [
      subscription.endpoint,
      customerId,
      subscription.keys.p256dh,
      subscription.keys.auth,
    ]);
    return subscription;
  }

  const mailsFor = (id: string) => sink.messages.filter((m) => m.headers['x-beckon-dispatch'] === id);
  const subscriptionExists = async (url: string) =>
    (await db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [url])).rowCount === 1;

  describe('email', () => {
    it('answers GET /health once its consumer has joined the group', async () => {
      const response = await fetch(`${await emailApp.getUrl()}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', checks: { postgres: 'up', kafka: 'up' } });
    });

    it('sends a dispatch with one-click unsubscribe headers and records it as sent', async () => {
      const id = await insertDispatch('email', 'alice');
      await produce(topics.emailDispatch, 'alice', emailMessage(id, 'alice'));

      const mail = await sink.waitFor((m) => m.headers['x-beckon-dispatch'] === id);
      expect(mail.envelope).toEqual({ from: 'shop@example.com', to: ['alice@example.com'] });
      expect(mail.subject).toBe('Your cart is waiting');
      expect(mail.headers['list-unsubscribe']).toBe(`<https://shop.example.com/u/token-${id}>`);
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(mail.messageId).toBe(`<${id}@example.com>`);
      expect(mail.html).toBe('<p>You left something behind</p>');

      const row = await settled(id, 'sent');
      expect(row).toMatchObject({ reason: null, state: 'sent', attempts: 1 });
      expect(row.provider_response).toMatch(/^250 /);
      expect(row.sent_at).toBeInstanceOf(Date);
      expect(row.finished_at).toBeInstanceOf(Date);
    });

    it('sends nothing more when the same dispatch message arrives again', async () => {
      const id = await insertDispatch('email', 'bruno');
      const message = emailMessage(id, 'bruno');
      await produce(topics.emailDispatch, 'bruno', message);
      await settled(id, 'sent');

      // Same key, same partition: once the marker is sent, the duplicates before it were handled.
      const marker = await insertDispatch('email', 'bruno');
      await produce(topics.emailDispatch, 'bruno', message, message, emailMessage(marker, 'bruno'));
      await settled(marker, 'sent');
      expect(mailsFor(id)).toHaveLength(1);
      expect(mailsFor(marker)).toHaveLength(1);
      expect((await dispatchRow(id)).attempts).toBe(1);
    });

    it('retries a transient 451 and delivers exactly once', async () => {
      const id = await insertDispatch('email', 'chloe');
      const rejectedBefore = sink.rejected.length;
      sink.failNext(1, 451, 'greylisted, try again later');
      await produce(topics.emailDispatch, 'chloe', emailMessage(id, 'chloe'));

      const row = await settled(id, 'sent');
      expect(row).toMatchObject({ state: 'sent', attempts: 2, reason: null });
      expect(mailsFor(id)).toHaveLength(1);
      expect(sink.rejected.slice(rejectedBefore)).toMatchObject([{ code: 451, stage: 'data' }]);
    });

    it('fails a permanent 550 at once and dead-letters the original message', async () => {
      const id = await insertDispatch('email', 'dmitri');
      const rejectedBefore = sink.rejected.length;
      sink.failNext(1, 550, 'mailbox unavailable');
      const message = emailMessage(id, 'dmitri');
      await produce(topics.emailDispatch, 'dmitri', message);

      const row = await settled(id, 'failed');
      expect(row).toMatchObject({ reason: 'smtp:550', state: 'failed', attempts: 1 });
      expect(row.provider_response).toMatch(/550/);
      expect(sink.rejected.length - rejectedBefore).toBe(1);
      expect(mailsFor(id)).toHaveLength(0);

      const dead = await deadLetterFor(id);
      expect(dead).toMatchObject({ topic: topics.emailDeadLetter, key: 'dmitri', reason: 'smtp:550' });
      expect(JSON.parse(dead.value)).toEqual(message);
      // Finished only once the dead letter is on Kafka.
      await eventually(async () => ((await dispatchRow(id)).finished_at ? true : undefined), 'the attempt to finish');
    });

    it('reconciles an attempt a dead process left behind instead of resending it', async () => {
      const id = await insertDispatch('email', 'erin');
      await db.query(
        `INSERT INTO delivery_attempts (dispatch_id, channel, state, attempts, started_at)
         VALUES ($1, 'email', 'attempting', 1, now() - interval '5 minutes')`,
        [id],
      );
      await produce(topics.emailDispatch, 'erin', emailMessage(id, 'erin'));

      const row = await settled(id, 'failed');
      expect(row).toMatchObject({ reason: 'unknown_outcome', state: 'abandoned' });
      expect(mailsFor(id)).toHaveLength(0);
      expect(await deadLetterFor(id)).toMatchObject({ reason: 'unknown_outcome' });
    });

    it('dead-letters malformed messages and carries on with the batch', async () => {
      const broken = await insertDispatch('email', 'fatima');
      const good = await insertDispatch('email', 'fatima');
      const { to: _to, ...withoutRecipient } = emailMessage(broken, 'fatima');
      await produce(
        topics.emailDispatch,
        'fatima',
        '{"dispatchId": oops',
        withoutRecipient,
        emailMessage(good, 'fatima'),
      );

      await settled(good, 'sent');
      expect(await settled(broken, 'failed')).toMatchObject({ reason: 'malformed', state: null });
      const notJson = await eventually(
        async () => deadLetters.find((d) => d.value === '{"dispatchId": oops'),
        'bad JSON',
      );
      expect(notJson).toMatchObject({ reason: 'malformed', detail: expect.stringMatching(/^not JSON/) });
      expect(await deadLetterFor(broken)).toMatchObject({ reason: 'malformed', detail: expect.stringMatching(/^to:/) });
    });

    it('does not send to a customer who withdrew consent after the dispatch was queued', async () => {
      await db.query(
        `INSERT INTO customers (id, email, email_consent) VALUES ('gaspard', 'gaspard@example.com', false)`,
      );
      const id = await insertDispatch('email', 'gaspard');
      await produce(topics.emailDispatch, 'gaspard', emailMessage(id, 'gaspard'));

      expect(await settled(id)).toMatchObject({ status: 'suppressed', reason: 'unsubscribed', state: null });
      expect(mailsFor(id)).toHaveLength(0);
    });
  });

  describe('web push', () => {
    it('answers GET /health once its consumer has joined the group', async () => {
      const response = await fetch(`${await pushApp.getUrl()}/health`);
      expect(response.status).toBe(200);
    });

    it('delivers an encrypted, VAPID-signed push with TTL, Urgency and Topic', async () => {
      const subscription = await subscribe('hana');
      const id = await insertDispatch('webpush', 'hana');
      await produce(topics.webPushDispatch, 'hana', pushMessage(id, 'hana', [subscription]));

      const push = await endpoint.waitFor((p) => (p.json as { dispatchId?: string } | undefined)?.dispatchId === id);
      expect(push.json).toEqual({
        title: 'Still thinking?',
        body: '2 items in your cart',
        url: 'https://shop.example.com/cart',
        icon: 'https://shop.example.com/icon.png',
        dispatchId: id,
      });
      expect(push.headers).toEqual({ ttl: 3600, urgency: 'high', topic: 'cart-1' });
      expect(push.vapid).toMatchObject({ aud: endpoint.origin, sub: VAPID_SUBJECT, publicKey: vapid.publicKey });
      expect(push.httpVersion).toBe('2.0'); // the push service offers HTTP/2

      expect(await settled(id, 'sent')).toMatchObject({
        reason: null,
        provider_response: '201',
        state: 'sent',
        attempts: 1,
      });
      expect(endpoint.requestCount(subscription.endpoint)).toBe(1);
    });

    it('speaks HTTP/1.1 to a push service without HTTP/2, next to an HTTP/2 one in the same dispatch', async () => {
      const old = await subscribe('hugo', undefined, http1Endpoint);
      const modern = await subscribe('hugo');
      const id = await insertDispatch('webpush', 'hugo');
      await produce(topics.webPushDispatch, 'hugo', pushMessage(id, 'hugo', [old, modern]));

      const [viaHttp1, viaHttp2] = await Promise.all([
        http1Endpoint.waitFor((p) => p.endpoint === old.endpoint),
        endpoint.waitFor((p) => p.endpoint === modern.endpoint),
      ]);
      expect(viaHttp1).toMatchObject({ httpVersion: '1.1', json: expect.objectContaining({ dispatchId: id }) });
      expect(viaHttp1.vapid.aud).toBe(http1Endpoint.origin); // a token per push-service origin
      expect(viaHttp2).toMatchObject({ httpVersion: '2.0', json: expect.objectContaining({ dispatchId: id }) });
      expect(await settled(id, 'sent')).toMatchObject({ provider_response: '201,201', attempts: 2 });
    });

    it('drops a subscription answering 410 without retrying and fails the dispatch', async () => {
      const subscription = await subscribe('ivan');
      endpoint.respondWith(subscription.endpoint, 410);
      const id = await insertDispatch('webpush', 'ivan');
      await produce(topics.webPushDispatch, 'ivan', pushMessage(id, 'ivan', [subscription]));

      expect(await settled(id, 'failed')).toMatchObject({ reason: 'push:410', provider_response: '410', attempts: 1 });
      expect(endpoint.requestCount(subscription.endpoint)).toBe(1);
      await eventually(
        async () => ((await subscriptionExists(subscription.endpoint)) ? undefined : true),
        'the row to go',
      );
      expect(await deadLetterFor(id)).toMatchObject({ topic: topics.webPushDeadLetter, reason: 'push:410' });
    });

    it('is sent when one of several subscriptions accepts, and drops the dead one', async () => {
      const gone = await subscribe('jade');
      const live = await subscribe('jade');
      endpoint.respondWith(gone.endpoint, 404);
      const id = await insertDispatch('webpush', 'jade');
      await produce(topics.webPushDispatch, 'jade', pushMessage(id, 'jade', [gone, live]));

      expect(await settled(id, 'sent')).toMatchObject({ reason: null, provider_response: '404,201' });
      await endpoint.waitFor((p) => p.endpoint === live.endpoint);
      await eventually(async () => ((await subscriptionExists(gone.endpoint)) ? undefined : true), 'the 404 row to go');
      expect(await subscriptionExists(live.endpoint)).toBe(true);
    });

    it('waits out a 429 Retry-After and then delivers once', async () => {
      const subscription = await subscribe('kofi');
      endpoint.respondWith(subscription.endpoint, 429, { times: 1, headers: { 'Retry-After': '1' } });
      const id = await insertDispatch('webpush', 'kofi');
      const producedAt = Date.now();
      await produce(topics.webPushDispatch, 'kofi', pushMessage(id, 'kofi', [subscription]));

      const push = await endpoint.waitFor((p) => p.endpoint === subscription.endpoint);
      expect(push.receivedAt.getTime() - producedAt).toBeGreaterThanOrEqual(1_000);
      expect(await settled(id, 'sent')).toMatchObject({ attempts: 2, provider_response: '201' });
      expect(endpoint.requestCount(subscription.endpoint)).toBe(2);
      expect(endpoint.received.filter((p) => p.endpoint === subscription.endpoint)).toHaveLength(1);
    });

    it('keeps an oversized body under the push size limit and hashes a long topic', async () => {
      const subscription = await subscribe('lena');
      const id = await insertDispatch('webpush', 'lena');
      const topic = 'abandoned_cart:customer-lena:cart-2025-11-23:step-1';
      const body = 'A very long reminder. '.repeat(1_000);
      await produce(
        topics.webPushDispatch,
        'lena',
        pushMessage(id, 'lena', [subscription], { topic, notification: { title: 'Hi', body } }),
      );

      const push = await endpoint.waitFor((p) => p.endpoint === subscription.endpoint);
      expect(Buffer.byteLength(push.payload)).toBeLessThanOrEqual(3_900);
      const json = push.json as { body: string; dispatchId: string };
      expect(json.dispatchId).toBe(id);
      expect(json.body.endsWith('…')).toBe(true);
      expect(body.startsWith(json.body.slice(0, -1))).toBe(true);
      expect(push.headers.topic).toBe(pushTopic(topic));
      expect(push.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
      await settled(id, 'sent');
    });

    it('never pushes twice for a replayed message', async () => {
      const subscription = await subscribe('milo');
      const id = await insertDispatch('webpush', 'milo');
      const message = pushMessage(id, 'milo', [subscription]);
      await produce(topics.webPushDispatch, 'milo', message);
      await settled(id, 'sent');
      const marker = await insertDispatch('webpush', 'milo');
      await produce(topics.webPushDispatch, 'milo', message, pushMessage(marker, 'milo', [subscription]));
      await settled(marker, 'sent');
      expect(endpoint.requestCount(subscription.endpoint)).toBe(2); // one for each dispatch
    });
  });

  describe('as a process (main.ts)', () => {
    let child: ChildProcess | undefined;

    const running = (process?: ChildProcess): process is ChildProcess =>
      process !== undefined && process.exitCode === null && process.signalCode === null;

    afterEach(async () => {
      if (running(child)) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    });

    it('trusts a private push CA through NODE_EXTRA_CA_CERTS and stops cleanly on SIGTERM', async () => {
      const run = randomUUID().slice(0, 8);
      const port = await freePort();
      const childConfig = {
        KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
        KAFKA_EVENTS_TOPIC: `test.${run}.storefront.events`,
        KAFKA_INTERNAL_PREFIX: `test.${run}`,
        DATABASE_URL: databaseUrl,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT,
        SERVICE_PORT: String(port),
        LOG_LEVEL: 'warn',
      };
      const output: string[] = [];
      child = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join('apps', 'webpush', 'src', 'main.ts'),
        ],
        {
          cwd: join(__dirname, '..'),
          env: { ...process.env, ...childConfig, NODE_EXTRA_CA_CERTS: endpoint.caPath },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

      await eventually(
        async () => {
          if (!running(child)) throw new Error(`web-push service exited: ${output.join('')}`);
          const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
          return response?.status === 200 ? true : undefined;
        },
        'the web-push process to be healthy',
        60_000,
      );

      const subscription = await subscribe('nina');
      const id = await insertDispatch('webpush', 'nina');
      const childTopics = topicNames(childConfig.KAFKA_EVENTS_TOPIC, childConfig.KAFKA_INTERNAL_PREFIX);
      await produce(childTopics.webPushDispatch, 'nina', pushMessage(id, 'nina', [subscription]));
      await endpoint.waitFor((p) => p.endpoint === subscription.endpoint, 20_000);
      await settled(id, 'sent');
      // It did not fail on the way: the push went out once, and the service is still up and healthy.
      // (Its log is not searched for "error": kafkajs reports a leader election on a fresh topic in words like that.)
      expect(endpoint.requestCount(subscription.endpoint)).toBe(1);
      expect(running(child)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

      // Nest closes the application, then re-raises the signal to end the process.
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child!.once('exit', (code, signal) => resolve({ code, signal })),
      );
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    });
  });
});
