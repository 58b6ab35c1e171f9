import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { INestApplication } from '@nestjs/common';
import { Admin, Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@beckon/config';
import { consumerGroup } from '@beckon/contracts';
import { parseStorefrontEvent } from '@beckon/events';
import { BatchConsumer, KAFKA } from '@beckon/kafka';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { StorefrontEventsConsumer } from '../apps/engine/src/ingestion/storefront-events.consumer';
import { benchDatabaseUrl, freshBenchDatabase } from './bench-database';
import { CpuProfile } from './cpu-profile';
import { reportDelivery, runDeliveryBench } from './delivery';
import { cpuSecondsBetween, EngineProfile, instrumentEngine, processTicks } from './engine-profile';
import { BenchMessage, MixExpectation, storefrontMix } from './storefront-mix';

/**
 * npm run bench — storefront ingestion throughput of one engine instance, next to a bare kafkajs
 * consumer reading the same messages in the same run (targets in ../shared/PERFORMANCE.md).
 *
 *   BENCH_EVENTS      events to produce and consume          (default 200000)
 *   BENCH_CUSTOMERS   distinct shoppers in the mix           (default 20000)
 *   BENCH_DATABASE    database created (and dropped) for it  (default beckon_bench)
 *   BENCH_ADMIN_URL   PostgreSQL URL used to drop/create it  (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_TIMEOUT_S   give up when a phase stalls this long  (default 120)
 *   BENCH_KEEP=1      keep the database and topics afterwards for inspection
 *   BENCH_CPU_PROFILE=1  V8 CPU profile of the engine phase: summary printed, raw file in /tmp
 *   BENCH_WHATIF_CONCURRENCY=n  what-if: swap the engine's BatchConsumer for one with
 *                     partitionsConsumedConcurrently n (engine code untouched; the report says so)
 *   BENCH_PARTS       what to run, comma-separated          (default engine,delivery; see bench/delivery.ts)
 *   KAFKA_BROKERS     (default 127.0.0.1:9092)
 */

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20_000);
const DATABASE = process.env.BENCH_DATABASE ?? 'beckon_bench';
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const STALL_MS = Number(process.env.BENCH_TIMEOUT_S ?? 120) * 1000;
const KEEP = process.env.BENCH_KEEP === '1';
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE === '1';
const WHATIF_CONCURRENCY = process.env.BENCH_WHATIF_CONCURRENCY ? Number(process.env.BENCH_WHATIF_CONCURRENCY) : null;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const PARTITIONS = 4;
/** Bytes per produce request; keeps each partition's record batch well under the broker's 1 MB limit. */
const PRODUCE_REQUEST_BYTES = 2 * 1024 * 1024;

const TARGET_RATE = 20_000;
const TARGET_RATIO = 0.5;

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const PREFIX = `bench.${RUN}`;
const TOPIC = `${PREFIX}.storefront.events`;
const DATABASE_URL = benchDatabaseUrl(DATABASE);
/** Only the backends serving the bench database: other work on the same server is not ours. */
const PG_BACKENDS = new RegExp(` ${DATABASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `);

/** The fetch settings of @beckon/kafka's BatchConsumer, so the baseline reads the way the engine does. */
const ENGINE_FETCH = {
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 250,
  maxBytesPerPartition: 4 * 1024 * 1024,
  partitionsConsumedConcurrently: 2,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (line: string) => console.log(`[bench] ${line}`);

interface ConsumeResult {
  rate: number;
  seconds: number;
  batches: number;
  batchSizes: number[];
  parseFailures: number;
}

// ------------------------------------------------------------------------------------------------
// set-up
// ------------------------------------------------------------------------------------------------

async function freshDatabase(): Promise<void> {
  const applied = await freshBenchDatabase(DATABASE);
  log(`database ${DATABASE} created, migrations: ${applied.join(', ')}`);

  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const step = (subject: string) => ({
      after: 'P1D',
      channels: ['email', 'webpush'],
      email: { subject, html: '<p>{% for item in cart.items %}{{ item.name }}<br>{% endfor %}</p>', text: 'x' },
      webpush: { title: subject, body: '{{ cart.item_count }} items in your cart' },
    });
    await db.query(
      `INSERT INTO rules (name, trigger, enabled, params, steps, priority) VALUES ($1, 'abandoned_cart', true, $2, $3, 100)`,
      [
        'Bench cart reminder',
        JSON.stringify({ minCartValue: 0 }),
        JSON.stringify([step('{{ customer.first_name }}, your cart is waiting'), step('Last call')]),
      ],
    );
  } finally {
    await db.end();
  }
}

async function produce(kafka: Kafka, messages: BenchMessage[]): Promise<{ rate: number; mbPerS: number }> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const requests: BenchMessage[][] = [];
    let current: BenchMessage[] = [];
    let bytes = 0;
    let totalBytes = 0;
    for (const message of messages) {
      const size = message.value.length + message.key.length + 16;
      if (bytes + size > PRODUCE_REQUEST_BYTES && current.length > 0) {
        requests.push(current);
        current = [];
        bytes = 0;
      }
      current.push(message);
      bytes += size;
      totalBytes += size;
    }
    if (current.length > 0) requests.push(current);

    const started = performance.now();
    // Sequential requests keep every key's events in order, as a storefront's producer would.
    for (const batch of requests) await producer.send({ topic: TOPIC, acks: -1, messages: batch });
    const seconds = (performance.now() - started) / 1000;
    log(
      `produced ${fmt(messages.length)} events (${fmt(totalBytes / 1e6, 1)} MB) in ${requests.length} requests ` +
        `of ~${fmt(messages.length / requests.length)} in ${seconds.toFixed(2)} s`,
    );
    return { rate: messages.length / seconds, mbPerS: totalBytes / 1e6 / seconds };
  } finally {
    await producer.disconnect();
  }
}

// ------------------------------------------------------------------------------------------------
// baseline: a bare kafkajs consumer
// ------------------------------------------------------------------------------------------------

async function bareConsume(
  kafka: Kafka,
  name: string,
  options: { parse: boolean; engineFetch: boolean },
  groups: string[],
): Promise<ConsumeResult> {
  const groupId = `${PREFIX}.bare-${name}`;
  groups.push(groupId);
  const consumer: Consumer = kafka.consumer(
    options.engineFetch
      ? {
          groupId,
          sessionTimeout: ENGINE_FETCH.sessionTimeout,
          heartbeatInterval: ENGINE_FETCH.heartbeatInterval,
          maxWaitTimeInMs: ENGINE_FETCH.maxWaitTimeInMs,
          maxBytesPerPartition: ENGINE_FETCH.maxBytesPerPartition,
          allowAutoTopicCreation: false,
        }
      : { groupId, allowAutoTopicCreation: false },
  );
  let count = 0;
  let first = 0;
  let last = 0;
  let parseFailures = 0;
  let sink = 0;
  const batchSizes: number[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: options.engineFetch ? ENGINE_FETCH.partitionsConsumedConcurrently : 1,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length === 0) return;
        if (first === 0) first = performance.now();
        if (options.parse) {
          for (const message of batch.messages) {
            try {
              sink += (JSON.parse(message.value!.toString('utf8')) as { type: string }).type.length;
            } catch {
              parseFailures++;
            }
          }
        }
        batchSizes.push(batch.messages.length);
        count += batch.messages.length;
        if (count >= N && last === 0) {
          last = performance.now();
          finish();
        }
      },
    });
    let seen = -1;
    let progressAt = performance.now();
    while (last === 0) {
      await Promise.race([finished, sleep(500)]);
      if (count !== seen) {
        seen = count;
        progressAt = performance.now();
      } else if (performance.now() - progressAt > STALL_MS) {
        throw new Error(`bare consumer ${name} stalled at ${count}/${N}`);
      }
    }
  } finally {
    await consumer.disconnect();
  }
  if (sink < 0) log('unreachable'); // keeps the parse from being optimised away
  const seconds = (last - first) / 1000;
  return { rate: N / seconds, seconds, batches: batchSizes.length, batchSizes, parseFailures };
}

/** The engine's own validation (JSON.parse + zod) over every value, one core, no Kafka, no database. */
function validationOnly(messages: BenchMessage[]): number {
  const values = messages.map((m) => Buffer.from(m.value));
  const started = performance.now();
  let invalid = 0;
  for (const value of values) if (!parseStorefrontEvent(value).ok) invalid++;
  const seconds = (performance.now() - started) / 1000;
  if (invalid > 0) throw new Error(`${invalid} generated events fail the engine's validation`);
  return values.length / seconds;
}

// ------------------------------------------------------------------------------------------------
// the engine
// ------------------------------------------------------------------------------------------------

interface EngineResult {
  rate: number;
  seconds: number;
  firstSeen: number;
  profile: EngineProfile;
  elu: number;
  cpu: { node: number; postgres: number; kafka: number };
}

async function runEngine(app: INestApplication): Promise<EngineResult> {
  const consumer = app.get(StorefrontEventsConsumer);
  const profile = instrumentEngine(consumer, app.get(DataSource));
  if (WHATIF_CONCURRENCY !== null) {
    // Same group, topic and handler; only the concurrency differs. Swapped before bootstrap starts it.
    (consumer as unknown as { consumer: BatchConsumer }).consumer = new BatchConsumer(app.get(KAFKA), {
      groupId: consumerGroup(PREFIX, 'engine'),
      topic: TOPIC,
      handle: (messages, partition) => consumer.handleBatch(messages, partition),
      partitionsConsumedConcurrently: WHATIF_CONCURRENCY,
    });
    log(`WHAT-IF: engine consumer swapped for partitionsConsumedConcurrently ${WHATIF_CONCURRENCY}`);
  }
  const cpuProfile = CPU_PROFILE ? new CpuProfile() : null;
  await app.listen(0, '127.0.0.1');
  log(`engine listening on ${await app.getUrl()}, waiting for its first batch`);
  let eluStart = performance.eventLoopUtilization();
  let cpuBefore = process.cpuUsage();
  let pgBefore = processTicks(/^postgres/, PG_BACKENDS);
  let kafkaBefore = processTicks(/^java$/);

  let t0 = 0;
  let c0 = 0;
  let t1 = 0;
  let seen = -1;
  let progressAt = performance.now();
  let nextReport = 0;
  while (t1 === 0) {
    await sleep(20);
    const count = consumer.processedCount;
    const now = performance.now();
    if (t0 === 0 && count > 0) {
      t0 = now;
      c0 = count;
      // CPU and event-loop figures cover the same span as the rate
      eluStart = performance.eventLoopUtilization();
      cpuBefore = process.cpuUsage();
      pgBefore = processTicks(/^postgres/, PG_BACKENDS);
      kafkaBefore = processTicks(/^java$/);
      await cpuProfile?.start();
    }
    if (count >= N) t1 = now;
    if (count !== seen) {
      seen = count;
      progressAt = now;
    } else if (now - progressAt > STALL_MS) {
      throw new Error(`engine stalled at ${count}/${N} processed`);
    }
    if (t0 > 0 && now > nextReport) {
      if (nextReport > 0) log(`  engine processed ${fmt(count)} / ${fmt(N)}`);
      nextReport = now + 5_000;
    }
  }
  const elu = performance.eventLoopUtilization(eluStart).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  const pgAfter = processTicks(/^postgres/, PG_BACKENDS);
  const kafkaAfter = processTicks(/^java$/);
  await cpuProfile?.stop(`/tmp/beckon-bench-${RUN}.cpuprofile`);
  const seconds = (t1 - t0) / 1000;
  return {
    rate: (N - c0) / seconds,
    seconds,
    firstSeen: c0,
    profile,
    elu,
    cpu: {
      node: (cpu.user + cpu.system) / 1e6,
      postgres: cpuSecondsBetween(pgBefore, pgAfter),
      kafka: cpuSecondsBetween(kafkaBefore, kafkaAfter),
    },
  };
}

interface Persisted {
  customers: number;
  carts: number;
  openCarts: number;
  events: number;
  orders: number;
  dispatches: Record<string, number>;
  /** open carts that have no scheduled reminder, by what happened to their step */
  unarmed: Record<string, number>;
}

async function persistedCounts(): Promise<Persisted> {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const one = async (sql: string) => Number((await db.query(sql)).rows[0].n);
    const dispatches: Record<string, number> = {};
    for (const row of (await db.query(`SELECT status, count(*)::int AS n FROM dispatches GROUP BY status`)).rows) {
      dispatches[row.status as string] = Number(row.n);
    }
    const unarmed: Record<string, number> = {};
    const unarmedRows = await db.query(
      `SELECT coalesce(d.status || ' ' || d.reason, 'no dispatch row') AS why, count(*)::int AS n
       FROM carts c LEFT JOIN dispatches d ON d.occasion = 'cart:' || c.id
       WHERE c.status = 'open'
         AND NOT EXISTS (SELECT 1 FROM dispatches s WHERE s.occasion = 'cart:' || c.id AND s.status = 'scheduled')
       GROUP BY 1`,
    );
    for (const row of unarmedRows.rows) unarmed[row.why as string] = Number(row.n);
    return {
      unarmed,
      customers: await one(`SELECT count(*)::int AS n FROM customers`),
      carts: await one(`SELECT count(*)::int AS n FROM carts`),
      openCarts: await one(`SELECT count(*)::int AS n FROM carts WHERE status = 'open'`),
      events: await one(`SELECT count(*)::int AS n FROM customer_events`),
      orders: await one(`SELECT count(*)::int AS n FROM orders`),
      dispatches,
    };
  } finally {
    await db.end();
  }
}

// ------------------------------------------------------------------------------------------------
// report
// ------------------------------------------------------------------------------------------------

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function sizeSummary(sizes: number[]): string {
  if (sizes.length === 0) return 'no batches';
  const sorted = [...sizes].sort((a, b) => a - b);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  return `${sizes.length} batches, messages per batch min ${fmt(sorted[0])} / median ${fmt(
    sorted[Math.floor(sorted.length / 2)],
  )} / mean ${fmt(mean)} / max ${fmt(sorted[sorted.length - 1])}`;
}

function printProfile(engine: EngineResult): void {
  const p = engine.profile;
  const wall = (p.lastBatchEnd - p.firstBatchStart) / 1000;
  const stmtMs = [...p.statements.values()].reduce((sum, s) => sum + s.ms, 0);
  const perBatch = (ms: number) => `${fmt(ms / Math.max(1, p.batches), 1)} ms`;
  const share = (ms: number) => `${fmt((100 * ms) / Math.max(1, p.handleMs), 0)} %`;
  console.log('\nWhere the engine spends a batch (ingestion path only; timers and outbox relay excluded)');
  console.log(`  ${sizeSummary(p.batchSizes)}; at most ${p.maxInFlight} batches in flight at once`);
  console.log(
    `  first batch start → last batch end: ${wall.toFixed(2)} s = ${fmt(p.messages / wall)} events/s; ` +
      `summed handleBatch time ${fmt(p.handleMs / 1000, 2)} s (${fmt(p.handleMs / 1000 / wall, 2)} batches busy on average)`,
  );
  const outsideTx = p.handleMs - p.txMs;
  const txOther = p.txMs - stmtMs - p.connectMs;
  console.log(
    table([
      ['part of handleBatch', 'total s', 'per batch', 'share'],
      ['validate + dedupe (outside the transaction)', fmt(outsideTx / 1000, 2), perBatch(outsideTx), share(outsideTx)],
      ['pool connect (wait for a connection)', fmt(p.connectMs / 1000, 2), perBatch(p.connectMs), share(p.connectMs)],
      ['SQL statements (round trip, incl. BEGIN/COMMIT)', fmt(stmtMs / 1000, 2), perBatch(stmtMs), share(stmtMs)],
      ['JS inside the transaction (plan, fold, rules)', fmt(txOther / 1000, 2), perBatch(txOther), share(txOther)],
    ]),
  );
  const statements = [...p.statements.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log(
    table([
      ['statement', 'calls', 'per batch', 'rows/call', 'total s', 'ms/call', 'share'],
      ...statements.map(([label, s]) => [
        label,
        fmt(s.count),
        fmt(s.count / Math.max(1, p.batches), 2),
        fmt(s.rows / s.count, 0),
        fmt(s.ms / 1000, 2),
        fmt(s.ms / s.count, 1),
        share(s.ms),
      ]),
    ]),
  );
  console.log(
    `  CPU during the engine phase (${engine.seconds.toFixed(1)} s wall, 2 cores = ${fmt(
      engine.seconds * 2,
      1,
    )} core-s): bench+engine node ${fmt(engine.cpu.node, 1)} s, postgres backends of ${DATABASE} ${fmt(engine.cpu.postgres, 1)} s, ` +
      `kafka ${fmt(engine.cpu.kafka, 1)} s; engine event loop utilisation ${fmt(engine.elu * 100, 0)} %`,
  );
}

function verify(expected: MixExpectation, persisted: Persisted): boolean {
  const rows: string[][] = [['persisted', 'in the database', 'expected', '']];
  let ok = true;
  const check = (what: string, actual: number, wanted: number | null, strict = true) => {
    const match = wanted === null ? '' : actual === wanted ? 'ok' : strict ? 'MISMATCH' : 'differs';
    if (match === 'MISMATCH') ok = false;
    rows.push([what, fmt(actual), wanted === null ? '' : fmt(wanted), match]);
  };
  check('customer_events rows', persisted.events, expected.events);
  check('customers', persisted.customers, expected.customers);
  check('carts', persisted.carts, expected.carts);
  check('open carts', persisted.openCarts, expected.openCarts);
  check('orders', persisted.orders, expected.orders);
  for (const [status, n] of Object.entries(persisted.dispatches).sort()) check(`dispatches ${status}`, n, null);
  for (const [why, n] of Object.entries(persisted.unarmed).sort()) {
    check(`open carts with no scheduled reminder (step ${why})`, n, 0, false);
  }
  console.log(table(rows));
  return ok;
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  log(`run ${RUN}: ${fmt(N)} events over ${fmt(CUSTOMERS)} customers, topic ${TOPIC} (${PARTITIONS} partitions)`);
  const kafka = new Kafka({ clientId: `beckon-bench-${RUN}`, brokers: BROKERS, logLevel: logLevel.ERROR });
  const admin: Admin = kafka.admin();
  const groups: string[] = [];
  let app: INestApplication | null = null;
  let databaseCreated = false;
  let adminConnected = false;

  const cleanUp = async () => {
    if (app !== null) {
      await app.close().catch((error: Error) => log(`closing the engine: ${error.message}`));
      app = null;
    }
    if (KEEP) {
      log(`BENCH_KEEP=1: kept database ${DATABASE} and topics ${PREFIX}.*`);
    } else {
      if (adminConnected) {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${PREFIX}.`));
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
        await admin
          .deleteGroups([...groups, `${PREFIX}.engine`])
          .catch(() => undefined /* a group that never formed */);
        log(`deleted topics ${topics.join(', ')}`);
      }
      if (databaseCreated) {
        const pg = new Client({ connectionString: ADMIN_URL });
        await pg.connect();
        await pg.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
        await pg.end();
        log(`dropped database ${DATABASE}`);
      }
    }
    if (adminConnected) await admin.disconnect();
    adminConnected = false;
  };

  try {
    await admin.connect();
    adminConnected = true;
    await freshDatabase();
    databaseCreated = true;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
    });

    const generatedAt = performance.now();
    let mix: { messages: BenchMessage[]; expected: MixExpectation } | null = storefrontMix(N, CUSTOMERS);
    const { expected } = mix;
    log(
      `generated in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s, ` +
        `mean ${fmt(expected.bytes / N)} bytes/event: ` +
        Object.entries(expected.byType)
          .sort((a, b) => b[1] - a[1])
          .map(([type, n]) => `${type} ${fmt((100 * n) / N, 1)} %`)
          .join(', '),
    );

    const produced = await produce(kafka, mix.messages);
    const validation = validationOnly(mix.messages);
    mix = null; // let the 200k strings go before anything is measured

    log('bare kafkajs consumer, count only (engine fetch settings)');
    const bareCount = await bareConsume(kafka, 'count', { parse: false, engineFetch: true }, groups);
    log(`  ${fmt(bareCount.rate)} events/s, ${sizeSummary(bareCount.batchSizes)}`);
    log('bare kafkajs consumer, count only (kafkajs default fetch settings)');
    const bareDefaults = await bareConsume(kafka, 'defaults', { parse: false, engineFetch: false }, groups);
    log(`  ${fmt(bareDefaults.rate)} events/s, ${sizeSummary(bareDefaults.batchSizes)}`);
    log('bare kafkajs consumer, JSON.parse of every value (engine fetch settings)');
    const bareParse = await bareConsume(kafka, 'parse', { parse: true, engineFetch: true }, groups);
    log(`  ${fmt(bareParse.rate)} events/s, ${sizeSummary(bareParse.batchSizes)}`);
    if (bareParse.parseFailures > 0) throw new Error(`${bareParse.parseFailures} values were not JSON`);

    const config = loadConfig({
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_EVENTS_TOPIC: TOPIC,
      KAFKA_INTERNAL_PREFIX: PREFIX,
      KAFKA_CLIENT_ID: `beckon-bench-engine-${RUN}`,
      DATABASE_URL,
      DATABASE_POOL_SIZE: '10',
      UNSUBSCRIBE_SECRET: 'bench-unsubscribe-secret',
      MAIL_FROM: 'Beckon Bench <bench@example.com>',
      PUBLIC_BASE_URL: 'https://shop.example.com',
      LOG_LEVEL: 'warn',
      SERVICE_PORT: '0',
      HOST: '127.0.0.1',
    });
    app = await createEngineApp(config);
    const engine = await runEngine(app);
    log(
      `engine: ${fmt(N - engine.firstSeen)} events after its first batch (${fmt(engine.firstSeen)}) in ` +
        `${engine.seconds.toFixed(2)} s = ${fmt(engine.rate)} events/s`,
    );
    await app.close();
    app = null;

    console.log('\nPersisted by the engine');
    const persisted = await persistedCounts();
    const verified = verify(expected, persisted);

    printProfile(engine);

    const bare = Math.max(bareCount.rate, bareDefaults.rate);
    const ratio = engine.rate / bare;
    const mark = (pass: boolean) => (pass ? 'PASS' : 'BELOW');
    console.log(`\nStorefront ingestion, ${fmt(N)} events, ${PARTITIONS} partitions, one engine instance, same run`);
    console.log(
      table([
        ['measure', 'events/s', 'target', 'result'],
        [`produce (acks -1, ~${fmt(PRODUCE_REQUEST_BYTES / 1024 / 1024)} MB requests)`, fmt(produced.rate), '', ''],
        ['bare kafkajs consumer, count only (engine fetch settings)', fmt(bareCount.rate), '', ''],
        ['bare kafkajs consumer, count only (kafkajs defaults)', fmt(bareDefaults.rate), '', ''],
        ['bare kafkajs consumer + JSON.parse of every value', fmt(bareParse.rate), '', ''],
        ['engine validation alone (parseStorefrontEvent, 1 core, no I/O)', fmt(validation), '', ''],
        [
          WHATIF_CONCURRENCY === null
            ? 'engine: ingest + evaluate + persist'
            : `WHAT-IF engine (partitionsConsumedConcurrently ${WHATIF_CONCURRENCY})`,
          fmt(engine.rate),
          `≥ ${fmt(TARGET_RATE)}`,
          mark(engine.rate >= TARGET_RATE),
        ],
        [
          'engine / bare kafkajs (faster count-only figure)',
          `${ratio.toFixed(2)} ×`,
          `≥ ${TARGET_RATIO} ×`,
          mark(ratio >= TARGET_RATIO),
        ],
      ]),
    );
    if (!verified) {
      console.error('\nthe engine did not persist what was produced: the rate above is not to be trusted');
      return 1;
    }
    return 0;
  } finally {
    await cleanUp();
  }
}

const PARTS = new Set((process.env.BENCH_PARTS ?? 'engine,delivery').split(',').map((p) => p.trim()));

/** The engine first, then the delivery services on their own database and topics. */
async function all(): Promise<number> {
  let code = PARTS.has('engine') ? await main() : 0;
  if (PARTS.has('delivery') && !reportDelivery(await runDeliveryBench(), table)) code = 1;
  return code;
}

all()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    console.error(`[bench] failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
