import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { Client } from 'pg';
import webpush from 'web-push';
import { BeckonConfig } from '../../libs/config/src';
import { LogDestination } from '../../libs/observability/src';
import { waitUntilDeliveryReady } from '../../libs/delivery/src';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createEmailApp } from '../../apps/email/src/email.app';
import { createEngineApp } from '../../apps/engine/src/create-engine-app';
import { StorefrontEventsConsumer } from '../../apps/engine/src/ingestion/storefront-events.consumer';
import { createWebPushApp } from '../../apps/webpush/src/webpush.app';
import { PushEndpoint, startPushEndpoint } from './push-endpoint';
import { SmtpSink, startSmtpSink } from './smtp-sink';
import { connectProducer, eventually, produceEvents } from './storefront';
import { createTestDatabase, dropTestDatabase, testConfig } from './test-env';

/** Every part of Beckon running for one test file: API, engine, both delivery services and their real peers. */
export interface Stack {
  config: BeckonConfig;
  db: Client;
  smtp: SmtpSink;
  push: PushEndpoint;
  engine: INestApplication;
  /** Base URL of the REST API, for calls the marketer helper does not cover (other keys, /docs-json). */
  apiUrl: string;
  /** Base URL of each service's HTTP server (/health, /metrics). */
  urls: Record<'api' | 'engine' | 'email' | 'webpush', string>;
  /** Calls the REST API as the marketer and parses the JSON answer. */
  v1<T = any>(path: string, method?: string, body?: unknown): Promise<{ status: number; json: T }>;
  produce(events: Array<Record<string, unknown>>): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Where every service's log lines go (a test reads them back); standard output otherwise. */
  logDestination?: LogDestination;
  /** Where the API listens (default: any free port); a test whose links must reach it sets PUBLIC_BASE_URL to match. */
  apiPort?: number;
}

export async function startStack(
  label: string,
  overrides: Record<string, string> = {},
  { logDestination, apiPort = 0 }: StackOptions = {},
): Promise<Stack> {
  const smtp = await startSmtpSink();
  const push = await startPushEndpoint();
  const vapid = webpush.generateVAPIDKeys();
  const databaseUrl = await createTestDatabase(label);
  const config = testConfig(databaseUrl, {
    SMTP_URL: smtp.url,
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.com',
    ...overrides,
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  const api = await createApiApp(config, { logDestination });
  await api.listen(apiPort, '127.0.0.1');
  const engine = await createEngineApp(config, { logDestination });
  await engine.listen(0, '127.0.0.1');
  const email = await createEmailApp(config, { logDestination });
  const webPush = await createWebPushApp(config, { ca: push.ca, logDestination });
  const urlOf = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const urls = {
    api: await urlOf(api),
    engine: await urlOf(engine),
    email: await urlOf(email),
    webpush: await urlOf(webPush),
  };
  const apiUrl = urls.api;
  const apps = [api, engine, email, webPush];
  await Promise.all([waitUntilDeliveryReady(email), waitUntilDeliveryReady(webPush)]);
  await eventually(async () => engine.get(StorefrontEventsConsumer).isReady, 30000, 'engine consumer');
  const { producer }: { producer: Producer } = await connectProducer(config.KAFKA_BROKERS);

  return {
    config,
    db,
    smtp,
    push,
    engine,
    apiUrl,
    urls,
    async v1(path, method = 'GET', body) {
      const response = await fetch(`${apiUrl}/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': 'test-marketer-key' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
    },
    produce: (events) => produceEvents(producer, config.KAFKA_EVENTS_TOPIC, events),
    async close() {
      await producer.disconnect();
      for (const app of apps.reverse()) await app.close();
      await db.end();
      await Promise.all([smtp.close(), push.close()]);
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** A rule over REST; fails the test with the API's field messages when it is refused. */
export async function createRule(stack: Stack, rule: Record<string, unknown>): Promise<{ id: string }> {
  const created = await stack.v1('/rules', 'POST', rule);
  if (created.status !== 201) throw new Error(`rule refused: ${JSON.stringify(created.json)}`);
  return created.json;
}

export interface LoggedDispatch {
  customer_id: string;
  occasion: string;
  step: number;
  status: string;
  reason: string | null;
  channel: string | null;
  due_at: Date | null;
}

export async function dispatchesOf(stack: Stack, ruleId: string): Promise<LoggedDispatch[]> {
  const { rows } = await stack.db.query(
    `SELECT customer_id, occasion, step, status, reason, channel, due_at FROM dispatches
     WHERE rule_id = $1 ORDER BY customer_id, occasion, step`,
    [ruleId],
  );
  return rows;
}

export const daysAgo = (days: number, from = Date.now()): Date => new Date(from - days * 24 * 3600 * 1000);

/** Waits for the scans and timers to settle, then lets a late duplicate show up before asserting there is none. */
export const settle = (ms = 1500): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
