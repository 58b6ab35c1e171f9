import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client, Pool } from 'pg';
import webpush from 'web-push';
import { PushEndpoint, startPushEndpoint } from '../support/push-endpoint';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { freePort } from './free-port';
import { sleep, until } from './polling';
import { OwnKafka, startOwnKafka } from './own-kafka';
import { OwnPostgres, startOwnPostgres } from './own-postgres';
import { createScratchDir, ScratchDir } from './scratch-dir';
import { ServiceName, ServiceProcess } from './service-process';

export const MARKETER_KEY = 'faults-marketer-key';
export const EVENTS_TOPIC = 'storefront.events';

/** Everything the fault suite runs: its own PostgreSQL and broker, the four services as processes, their peers. */
export interface FaultStack {
  scratch: ScratchDir;
  postgres: OwnPostgres;
  kafka: OwnKafka;
  smtp: SmtpSink;
  push: PushEndpoint;
  /** A pool, not one client: a client does not survive the PostgreSQL restart, a pool replaces it. */
  db: Pool;
  services: Record<ServiceName, ServiceProcess>;
  /** Produces until the broker takes it: the storefront keeps trying through a broker restart. */
  produce(messages: Array<Record<string, unknown>>): Promise<void>;
  v1(path: string, method?: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Copies every log of the run out of the scratch directory (which the cleanup removes); where to. */
  keepLogs(): string;
  close(): Promise<void>;
}

export async function startFaultStack(): Promise<FaultStack> {
  const scratch = createScratchDir();
  const stack: Partial<FaultStack> = { scratch };
  try {
    stack.postgres = await startOwnPostgres(scratch);
    stack.kafka = await startOwnKafka(scratch);
    const admin = new Client({ connectionString: stack.postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE beckon');
    await admin.end();
    const databaseUrl = stack.postgres.url.replace(/\/postgres$/, '/beckon');
    stack.smtp = await startSmtpSink();
    stack.push = await startPushEndpoint();
    const vapid = webpush.generateVAPIDKeys();
    const env: Record<string, string> = {
      KAFKA_BROKERS: stack.kafka.brokers,
      KAFKA_EVENTS_TOPIC: EVENTS_TOPIC,
      DATABASE_URL: databaseUrl,
      SMTP_URL: stack.smtp.url,
      MAIL_FROM: 'Beckon Shop <shop@example.com>',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      // The push endpoint's self-signed certificate, trusted the way an operator trusts a private CA.
      NODE_EXTRA_CA_CERTS: stack.push.caPath,
      // Two cores are shared by the whole stack: one encryption thread leaves room for the rest.
      PUSH_ENCRYPTION_THREADS: '1',
      API_KEYS: `marketer:${MARKETER_KEY}`,
      UNSUBSCRIBE_SECRET: 'faults-unsubscribe-secret',
      PUBLIC_BASE_URL: 'https://shop.example.com',
      TIMER_POLL_MS: '200',
      OUTBOX_POLL_MS: '50',
      LOG_LEVEL: 'warn',
    };
    const services = {} as Record<ServiceName, ServiceProcess>;
    for (const name of ['api', 'engine', 'email', 'webpush'] as const)
      services[name] = new ServiceProcess(name, env, scratch, await freePort());
    stack.services = services;
    // The API first: it applies the migrations, so the others start against the schema rather than race for it.
    services.api.start();
    await until('the API to be healthy', () => services.api.healthy(), 90_000);
    for (const name of ['engine', 'email', 'webpush'] as const) services[name].start();
    for (const name of ['engine', 'email', 'webpush'] as const)
      await until(`the ${name} service to be healthy`, () => services[name].healthy(), 90_000);

    stack.db = new Pool({ connectionString: databaseUrl, max: 2 });
    // The suite restarts PostgreSQL under the pool: an idle client's error is expected, the pool replaces it.
    stack.db.on('error', () => undefined);
    const producer = await connectProducer(stack.kafka.brokers);
    const v1 = async (path: string, method = 'GET', body?: unknown) => {
      const response = await fetch(`${services.api.url}/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': MARKETER_KEY },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
    };
    let closed = false;
    return {
      ...(stack as FaultStack),
      produce: (messages) => produceUntilTaken(producer, messages, () => closed),
      v1,
      keepLogs: () => keepLogs(scratch),
      close: async () => {
        closed = true;
        await producer.disconnect().catch(() => undefined);
        await closeStack(stack);
      },
    };
  } catch (error) {
    await closeStack(stack);
    throw error;
  }
}

async function connectProducer(brokers: string): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'faults-storefront', brokers: [brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

async function produceUntilTaken(
  producer: Producer,
  events: Array<Record<string, unknown>>,
  closed: () => boolean,
): Promise<void> {
  const messages = events.map((event) => ({
    key: (event.userId ?? event.anonymousId) as string,
    value: JSON.stringify(event),
  }));
  for (let attempt = 0; ; attempt++) {
    try {
      await producer.send({ topic: EVENTS_TOPIC, acks: -1, messages });
      return;
    } catch (error) {
      // A retried send may store an event twice; its messageId makes the engine drop the second.
      if (attempt > 600 || closed()) throw error;
      await sleep(200);
    }
  }
}

function keepLogs(scratch: ScratchDir): string {
  const kept = mkdtempSync(join(tmpdir(), 'beckon-faults-logs-'));
  const logs = ['api.log', 'engine.log', 'email.log', 'webpush.log', 'postgres/server.log', 'kafka/logs/server.log'];
  for (const log of logs) {
    const from = join(scratch.path, log);
    if (existsSync(from)) cpSync(from, join(kept, log.replace(/\//g, '-')));
  }
  return kept;
}

async function closeStack(stack: Partial<FaultStack>): Promise<void> {
  for (const service of Object.values(stack.services ?? {})) {
    await service.stop('SIGKILL');
    service.close();
  }
  await stack.db?.end().catch(() => undefined);
  await stack.smtp?.close();
  await stack.push?.close();
  stack.kafka?.kill();
  try {
    stack.postgres?.stop();
  } catch {
    // the reaper and the removal below take care of a cluster that will not stop
  }
  stack.scratch?.remove();
}
