// ts-node compiles only what is imported; the test support's declaration for http_ece is not.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient declaration cannot be imported
/// <reference path="../test/support/http_ece.d.ts" />
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import webpush from 'web-push';
import { BeckonConfig, loadConfig } from '@beckon/config';
import { EmailDispatchMessage, PushSubscriptionKeys, topicNames, WebPushDispatchMessage } from '@beckon/contracts';
import { createEmailApp } from '../apps/email/src/email.app';
import { composeMail } from '../apps/email/src/mail-message';
import { buildPushPayload } from '../apps/webpush/src/push-payload';
import { PushSender } from '../apps/webpush/src/push-sender';
import { createWebPushApp } from '../apps/webpush/src/webpush.app';
import { generateLocalhostCertificate } from '../test/support/push-endpoint';
import { CpuProfile } from './cpu-profile';
import { benchDatabaseUrl, dropBenchDatabase, freshBenchDatabase } from './bench-database';
import * as support from './delivery-support';
import { machineCpuBetween, snapshotMachineCpu } from './machine-cpu';

/**
 * Delivery throughput (npm run bench, after the engine; alone: ts-node -r tsconfig-paths/register
 * bench/delivery.ts). Each service runs in this process against a receiver in a second process, next
 * to a plain library baseline sending to the same receiver in the same run (targets in
 * ../shared/PERFORMANCE.md).
 *
 *   BENCH_DELIVERY_MESSAGES  dispatches per service                      (default 20000)
 *   BENCH_EMAIL_BASELINE     mails sent by the default nodemailer pool   (default 2000: it does ~100/s)
 *   BENCH_PUSH_BASELINE      pushes sent by plain sendNotification       (default 5000)
 *   BENCH_DELIVERY_CHANNELS  which services                              (default email,webpush)
 *   BENCH_SMTP_POOL_SIZE     SMTP_POOL_SIZE of the email service        (default: the service's default)
 *   BENCH_PUSH_ENCRYPTION_THREADS  PUSH_ENCRYPTION_THREADS of the web-push service (default: the service's)
 *   BENCH_PUSH_CONCURRENCY   PUSH_CONCURRENCY of the web-push service     (default: the service's)
 *   BENCH_PUSH_HTTP2         PUSH_HTTP2 of the web-push service           (default: the service's)
 *   BENCH_PUSH_DECRYPT_ONE_IN  the push receiver decrypts one push in N (default 10; 1: every push, as a
 *                            browser would; a push service decrypts none)
 *   BENCH_RECEIVER_PROF=1    --cpu-prof for the receiver processes (files in /tmp/recvprof)
 *   BENCH_CPU_PROFILE=1      V8 CPU profile of each service phase (summary printed, raw file in /tmp)
 *   BENCH_DELIVERY_DATABASE  database created and dropped for it         (default beckon_bench_delivery)
 */

const N = Number(process.env.BENCH_DELIVERY_MESSAGES ?? 20_000);
const EMAIL_BASELINE = Number(process.env.BENCH_EMAIL_BASELINE ?? 2_000);
const PUSH_BASELINE = Number(process.env.BENCH_PUSH_BASELINE ?? 5_000);
const PUSH_DECRYPT_ONE_IN = Math.max(1, Number(process.env.BENCH_PUSH_DECRYPT_ONE_IN ?? 10));
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE === '1';
const CHANNELS = (process.env.BENCH_DELIVERY_CHANNELS ?? 'email,webpush').split(',');
const STALL_MS = Number(process.env.BENCH_TIMEOUT_S ?? 120) * 1000;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const PREFIX = `bench.${RUN}`;
const DATABASE = process.env.BENCH_DELIVERY_DATABASE ?? 'beckon_bench_delivery';
const DATABASE_URL = benchDatabaseUrl(DATABASE);
const MAIL_FROM = 'Beckon Bench <bench@example.com>';
const VAPID_SUBJECT = 'mailto:bench@example.com';

const TARGETS = { email: { rate: 2_000, ratio: 15 }, webpush: { rate: 4_000, ratio: 3 } };

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (line: string) => console.log(`[bench:delivery] ${line}`);

export interface ChannelResult {
  channel: 'email' | 'webpush';
  service: number;
  baseline: number;
  baselineLabel: string;
  /** CPU microseconds per message: the service process, its main thread (Linux only), the receiver process. */
  cpu: { service: number; mainThread?: number; receiver: number };
  /** CPU seconds per process on the machine while the service ran (Linux only), and how busy it was. */
  machine: { busyPercent: number; seconds: [string, number][] };
  /** The service's send path alone in this process (no Kafka, no database), for what the ledger and Kafka cost. */
  ceiling?: { rate: number; label: string };
  /** Problems that make the rate untrustworthy: duplicates, losses, failures. */
  problems: string[];
}

/** Service variables taken from BENCH_* variables when those are set. */
function passThrough(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(names).flatMap(([name, bench]) => (process.env[bench] ? [[name, process.env[bench]!]] : [])),
  );
}

function serviceConfig(overrides: Record<string, string>): BeckonConfig {
  return loadConfig({
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_EVENTS_TOPIC: `${PREFIX}.storefront.events`,
    KAFKA_INTERNAL_PREFIX: PREFIX,
    KAFKA_CLIENT_ID: `beckon-bench-delivery-${RUN}`,
    DATABASE_URL,
    LOG_LEVEL: 'warn',
    SERVICE_PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  });
}

const envelope = (id: string, customerId: string) => ({
  dispatchId: id,
  ruleId: '00000000-0000-4000-8000-000000000001',
  customerId,
  step: 1,
  correlationId: id,
  createdAt: new Date().toISOString(),
});

function emailFor(id: string, customerId: string): EmailDispatchMessage {
  return {
    ...envelope(id, customerId),
    channel: 'email',
    to: `${customerId}@example.com`,
    subject: 'Your cart is waiting',
    html: `<p>You left something behind.</p>${'<p>Espresso beans, 2 × 12.50 EUR</p>'.repeat(20)}`,
    text: 'You left something behind.',
    unsubscribeUrl: `https://shop.example.com/u/${id}`,
  };
}

/**
 * The dispatches are produced first, then the service starts on the backlog (as the engine bench
 * does): the clock runs from its first claimed attempt until every dispatch is finished, so neither
 * start-up nor this process's producer is in the figure.
 */
async function measureService(
  db: Client,
  kafka: Kafka,
  channel: 'email' | 'webpush',
  topic: string,
  receiver: support.Receiver,
  message: (id: string, customerId: string, index: number) => object,
  start: () => Promise<INestApplication>,
): Promise<{
  app: INestApplication;
  rate: number;
  cpu: ChannelResult['cpu'];
  machine: ChannelResult['machine'];
  problems: string[];
}> {
  const rows = await support.insertQueuedDispatches(db, channel, N);
  const messages = rows.map((r, i) => ({ key: r.customerId, value: JSON.stringify(message(r.id, r.customerId, i)) }));
  await support.produceAll(kafka, topic, messages);
  const before = await receiver.stats();
  const app = await start();
  const startedAt = await support.waitUntilStarted(db, channel, STALL_MS);
  const profile = CPU_PROFILE ? new CpuProfile() : undefined;
  await profile?.start();
  const elu = performance.eventLoopUtilization();
  const cpuAtStart = process.cpuUsage();
  const mainThread = support.threadCpuSeconds();
  const machineBefore = snapshotMachineCpu();
  await support.waitUntilReceived(receiver, before, N - startedAt.finished, STALL_MS);
  await support.waitUntilFinished(db, channel, N, STALL_MS);
  const seconds = (performance.now() - startedAt.at) / 1000;
  const machine = machineCpuBetween(machineBefore, snapshotMachineCpu(), (pid, comm) => {
    if (pid === process.pid) return `${channel} service (this process)`;
    if (pid === receiver.pid) return 'receiver';
    if (comm === 'java') return 'kafka broker (java)';
    return comm.replace(/\/\d+$/, '');
  });
  const mainThreadUsed = mainThread === undefined ? undefined : support.threadCpuSeconds()! - mainThread;
  await profile?.stop(`/tmp/beckon-bench-${RUN}-${channel}.cpuprofile`);
  const after = await receiver.stats();
  const used = process.cpuUsage(cpuAtStart);
  const counts = await support.statusCounts(db, channel);
  const measured = N - startedAt.finished;
  log(`${channel} service: ${fmt(measured)} in ${seconds.toFixed(2)} s; dispatches ${JSON.stringify(counts)}`);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const receiverSeconds = after.cpuSeconds - before.cpuSeconds;
  const main = mainThreadUsed === undefined ? '' : `, its main thread ${fmt(mainThreadUsed, 1)} s`;
  log(
    `  CPU: service process ${fmt(cpuSeconds, 1)} s${main} (event loop ` +
      `${fmt(100 * performance.eventLoopUtilization(elu).utilization)} % busy), receiver ` +
      `${fmt(receiverSeconds, 1)} s, over ${seconds.toFixed(1)} s on ${os.availableParallelism()} cores`,
  );
  const cpu: ChannelResult['cpu'] = {
    service: (1e6 * cpuSeconds) / measured,
    mainThread: mainThreadUsed === undefined ? undefined : (1e6 * mainThreadUsed) / measured,
    receiver: (1e6 * receiverSeconds) / measured,
  };
  const problems: string[] = [];
  if (counts.sent !== N) problems.push(`${fmt(N - (counts.sent ?? 0))} ${channel} dispatches not sent`);
  const received = after.count - before.count;
  const inspected = after.inspected - before.inspected;
  const distinct = after.unique - before.unique;
  if (received !== N) problems.push(`${channel} receiver got ${received} of ${N}`);
  if (distinct !== inspected || inspected === 0) {
    problems.push(`${channel} receiver read ${inspected} message(s) with ${distinct} distinct dispatch ids`);
  }
  if (inspected !== received) log(`  receiver read ${fmt(inspected)} of ${fmt(received)} (all distinct dispatch ids)`);
  return { app, rate: measured / seconds, cpu, machine, problems };
}

async function benchEmail(db: Client, kafka: Kafka): Promise<ChannelResult> {
  const sink = await support.spawnReceiver('smtp');
  let app: INestApplication | undefined;
  try {
    const config = serviceConfig({
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      ...passThrough({ SMTP_POOL_SIZE: 'BENCH_SMTP_POOL_SIZE' }),
      MAIL_FROM,
    });
    const topic = topicNames(config.KAFKA_EVENTS_TOPIC, PREFIX).emailDispatch;
    await support.createTopics(kafka, [topic]);
    const measured = await measureService(db, kafka, 'email', topic, sink, emailFor, () => createEmailApp(config));
    const { rate, cpu, machine, problems } = measured;
    app = measured.app;
    await app.close();
    app = undefined;

    // nodemailer as the docs show it: a pool of 5, nothing else changed.
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, pool: true, maxConnections: 5 });
    const mails = Array.from({ length: EMAIL_BASELINE }, (_, i) =>
      composeMail(emailFor(randomUUID(), `b${i % 1000}`), MAIL_FROM),
    );
    const started = performance.now();
    await Promise.all(mails.map((mail) => transport.sendMail(mail)));
    const baseline = EMAIL_BASELINE / ((performance.now() - started) / 1000);
    transport.close();
    log(`default nodemailer pool: ${fmt(EMAIL_BASELINE)} at ${fmt(baseline)}/s`);
    const baselineLabel = 'default nodemailer pool (5)';
    return { channel: 'email', service: rate, baseline, baselineLabel, cpu, machine, problems };
  } finally {
    await app?.close();
    await sink.stop();
  }
}

async function benchWebPush(db: Client, kafka: Kafka): Promise<ChannelResult> {
  const tls = generateLocalhostCertificate();
  const endpoint = await support.spawnReceiver('push', {
    BENCH_TLS_KEY: tls.key,
    BENCH_TLS_CERT: tls.cert,
    BENCH_PUSH_DECRYPT_ONE_IN: String(PUSH_DECRYPT_ONE_IN),
  });
  const subscriptions = endpoint.subscriptions as PushSubscriptionKeys[];
  const vapid = webpush.generateVAPIDKeys();
  let app: INestApplication | undefined;
  const notification = { title: 'Still thinking?', body: '2 items in your cart', url: 'https://shop.example.com/cart' };
  try {
    const config = serviceConfig({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT,
      ...passThrough({
        PUSH_ENCRYPTION_THREADS: 'BENCH_PUSH_ENCRYPTION_THREADS',
        PUSH_CONCURRENCY: 'BENCH_PUSH_CONCURRENCY',
        PUSH_HTTP2: 'BENCH_PUSH_HTTP2',
      }),
    });
    const topic = topicNames(config.KAFKA_EVENTS_TOPIC, PREFIX).webPushDispatch;
    await support.createTopics(kafka, [topic]);
    const pushFor = (id: string, customerId: string, i: number): WebPushDispatchMessage => ({
      ...envelope(id, customerId),
      channel: 'webpush',
      subscriptions: [subscriptions[i % subscriptions.length]],
      notification,
      ttlSeconds: 3600,
      urgency: 'normal',
      topic: 'cart',
    });
    const measured = await measureService(db, kafka, 'webpush', topic, endpoint, pushFor, () =>
      createWebPushApp(config, { ca: tls.cert }),
    );
    const { rate, cpu, machine, problems } = measured;
    app = measured.app;
    await app.close();
    app = undefined;

    const ceiling = await measurePushCeiling(config, tls.cert, endpoint, (i) => pushFor(randomUUID(), `c${i}`, i));
    log(`push sender alone (no Kafka, no database): ${fmt(N)} at ${fmt(ceiling)}/s`);

    // web-push as its README shows it: VAPID details per call, Node's default (non keep-alive) agent.
    const plainAgent = new https.Agent({ ca: tls.cert });
    const indexes = Array.from({ length: PUSH_BASELINE }, (_, i) => i);
    const seconds = await support.timedPool(indexes, 32, (i) =>
      webpush.sendNotification(subscriptions[i % subscriptions.length], buildPushPayload(notification, randomUUID()), {
        vapidDetails: { subject: VAPID_SUBJECT, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        TTL: 3600,
        agent: plainAgent,
      }),
    );
    plainAgent.destroy();
    const baseline = PUSH_BASELINE / seconds;
    log(`plain sendNotification, 32 in flight: ${fmt(PUSH_BASELINE)} at ${fmt(baseline)}/s`);
    return {
      channel: 'webpush',
      service: rate,
      baseline,
      baselineLabel: 'sendNotification, 32 in flight',
      ceiling: { rate: ceiling, label: 'push sender alone, no Kafka or database' },
      cpu,
      machine,
      problems,
    };
  } finally {
    await app?.close();
    await endpoint.stop();
  }
}

/**
 * The service's PushSender (encryption threads, VAPID, HTTP/2) sending N pushes with the service's
 * concurrency, outside Kafka and the ledger: the most this machine gives the send path itself.
 */
async function measurePushCeiling(
  config: BeckonConfig,
  ca: string,
  receiver: support.Receiver,
  message: (i: number) => WebPushDispatchMessage,
): Promise<number> {
  const sender = new PushSender(config, { ca });
  try {
    const before = await receiver.stats();
    const indexes = Array.from({ length: N }, (_, i) => i);
    const seconds = await support.timedPool(indexes, config.PUSH_CONCURRENCY, async (i) => {
      const m = message(i);
      const attempt = await sender.send(m.subscriptions[0], buildPushPayload(m.notification, m.dispatchId), m);
      if (attempt.status !== 201) throw new Error(`push sender alone: ${attempt.error}`);
    });
    const after = await receiver.stats();
    if (after.count - before.count !== N)
      throw new Error(`push sender alone: receiver got ${after.count - before.count}`);
    return N / seconds;
  } finally {
    await sender.onApplicationShutdown();
  }
}

export function deliveryTable(results: ChannelResult[], table: (rows: string[][]) => string): string {
  const mark = (pass: boolean) => (pass ? 'PASS' : 'BELOW');
  const rows = [['measure', 'messages/s', 'target', 'result']];
  for (const r of results) {
    const target = TARGETS[r.channel];
    const ratio = r.service / r.baseline;
    rows.push(
      [
        `${r.channel}: delivery service, one instance`,
        fmt(r.service),
        `≥ ${fmt(target.rate)}`,
        mark(r.service >= target.rate),
      ],
      [`${r.channel}: ${r.baselineLabel}`, fmt(r.baseline), '', ''],
      ...(r.ceiling ? [[`${r.channel}: ${r.ceiling.label}`, fmt(r.ceiling.rate), '', '']] : []),
      [`${r.channel}: service / baseline`, `${ratio.toFixed(1)} ×`, `≥ ${target.ratio} ×`, mark(ratio >= target.ratio)],
    );
  }
  return table(rows);
}

/**
 * CPU per message, less noisy than the rates on a shared machine. The service's main thread is what
 * one instance cannot spread over more cores (web-push encryption runs on worker threads); on a
 * machine of its own an instance tops out near 1 s / that figure.
 */
export function cpuTable(results: ChannelResult[], table: (rows: string[][]) => string): string {
  const us = (n: number | undefined) => (n === undefined ? 'n/a' : `${fmt(n)} µs`);
  const rows = [['CPU per message', 'service', 'its main thread', 'receiver']];
  for (const r of results) rows.push([r.channel, us(r.cpu.service), us(r.cpu.mainThread), us(r.cpu.receiver)]);
  return table(rows);
}

/** One line per channel: where the machine's cores went while the service ran (µs per message). */
export function machineLine(r: ChannelResult): string {
  if (r.machine.seconds.length === 0) return '';
  const perMessage = (seconds: number) => (1e6 * seconds) / N;
  const shares = r.machine.seconds
    .filter(([, seconds]) => perMessage(seconds) >= 5)
    .map(([name, seconds]) => `${name} ${fmt(perMessage(seconds))} µs`);
  return `${r.channel}: machine ${fmt(r.machine.busyPercent)} % busy; CPU per message: ${shares.join(', ')}`;
}

/** Runs both channels on a fresh database and topics; resolves with their results, cleaned up. */
export async function runDeliveryBench(): Promise<ChannelResult[]> {
  log(`run ${RUN}: ${fmt(N)} dispatches per channel, prefix ${PREFIX}`);
  const kafka = new Kafka({ clientId: `beckon-bench-delivery-${RUN}`, brokers: BROKERS, logLevel: logLevel.ERROR });
  await freshBenchDatabase(DATABASE);
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const results: ChannelResult[] = [];
    if (CHANNELS.includes('email')) results.push(await benchEmail(db, kafka));
    if (CHANNELS.includes('webpush')) results.push(await benchWebPush(db, kafka));
    return results;
  } finally {
    await db.end();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${PREFIX}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    await admin.deleteGroups([`${PREFIX}.email`, `${PREFIX}.webpush`]).catch(() => undefined);
    await admin.disconnect();
    await dropBenchDatabase(DATABASE);
  }
}

function simpleTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** Prints the table; false when a result cannot be trusted (something lost, duplicated or failed). */
export function reportDelivery(results: ChannelResult[], table: (rows: string[][]) => string = simpleTable): boolean {
  console.log(`\nDelivery, ${fmt(N)} dispatches per channel, one service instance, receiver in a second process`);
  console.log(deliveryTable(results, table));
  console.log(cpuTable(results, table));
  for (const r of results) console.log(machineLine(r));
  const problems = results.flatMap((r) => r.problems);
  for (const problem of problems) console.error(`  ${problem}: the rate above is not to be trusted`);
  return problems.length === 0;
}

if (require.main === module) {
  runDeliveryBench()
    .then((results) => process.exit(reportDelivery(results) ? 0 : 1))
    .catch((error: Error) => {
      console.error(`[bench:delivery] failed: ${error.stack ?? error.message}`);
      process.exit(1);
    });
}
