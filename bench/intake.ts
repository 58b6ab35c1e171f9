import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@beckon/config';
import { createApiApp } from '../apps/api/src/create-api-app';
import { benchDatabaseUrl, dropBenchDatabase, fmt, freshBenchDatabase } from './bench-database';
import { createTopics, timedPool } from './delivery-support';

/**
 * npm run bench:intake — what the Segment-compatible batch endpoint costs: events/s through
 * POST /v1/batch (a write key as HTTP Basic, as @segment/analytics-node sends it, so every event is
 * also marked untrusted and checked against the write-key policy) against the baseline POST
 * /v1/events (a marketer key) with the same events, in the same run, rounds interleaved, on one API
 * instance producing to the real Kafka. The load comes from this process too, so both figures are
 * lower bounds; their ratio is the cost of the Segment layer.
 *
 *   BENCH_INTAKE_ROUNDS       rounds per endpoint                       (default 6)
 *   BENCH_INTAKE_REQUESTS     requests per round                        (default 200)
 *   BENCH_INTAKE_BATCH        events per request                        (default 100)
 *   BENCH_INTAKE_CONCURRENCY  requests in flight                        (default 16)
 *   BENCH_INTAKE_DATABASE     database created (and dropped) for it     (default beckon_bench_intake)
 */

const ROUNDS = Number(process.env.BENCH_INTAKE_ROUNDS ?? 6);
const REQUESTS = Number(process.env.BENCH_INTAKE_REQUESTS ?? 200);
const BATCH = Number(process.env.BENCH_INTAKE_BATCH ?? 100);
const CONCURRENCY = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 16);
const DATABASE = process.env.BENCH_INTAKE_DATABASE ?? 'beckon_bench_intake';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const PREFIX = `bench.${RUN}`;
const TOPIC = `${PREFIX}.storefront.events`;
const SOURCE_KEY = 'bench-source-key';
const MARKETER_KEY = 'bench-marketer-key';

const log = (line: string) => console.log(`[bench:intake] ${line}`);

/** What a shop's pages send most: views and cart additions, analytics-node's envelope. */
function browsingEvent(i: number): Record<string, unknown> {
  const product = {
    product_id: `p${i % 500}`,
    name: `Product ${i % 500}`,
    price: 19.9,
    url: `https://shop.example.com/p/${i % 500}`,
  };
  return {
    type: 'track',
    messageId: `node-next-${Date.now()}-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    anonymousId: `browser-${i % 5000}`,
    event: i % 3 === 0 ? 'Product Added' : 'Product Viewed',
    properties: i % 3 === 0 ? { ...product, quantity: 1, cart_id: `cart-${i % 5000}` } : product,
    context: { library: { name: '@segment/analytics-node', version: '3.1.0' }, userAgent: 'Mozilla/5.0' },
  };
}

type Endpoint = { name: string; path: string; headers: Record<string, string> };
const ENDPOINTS: Endpoint[] = [
  { name: 'POST /v1/events (baseline)', path: '/v1/events', headers: { 'x-api-key': MARKETER_KEY } },
  {
    name: 'POST /v1/batch (Segment, write key)',
    path: '/v1/batch',
    headers: { authorization: `Basic ${Buffer.from(`${SOURCE_KEY}:`).toString('base64')}` },
  },
];

async function round(url: string, endpoint: Endpoint): Promise<number> {
  const bodies = Array.from({ length: REQUESTS }, (_, r) =>
    JSON.stringify({ batch: Array.from({ length: BATCH }, (_, i) => browsingEvent(r * BATCH + i)) }),
  );
  const seconds = await timedPool(bodies, CONCURRENCY, async (body) => {
    const answer = await fetch(`${url}${endpoint.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...endpoint.headers },
      body,
    });
    if (answer.status !== 200 && answer.status !== 202)
      throw new Error(`${endpoint.path}: ${answer.status} ${await answer.text()}`);
    await answer.arrayBuffer();
  });
  return (REQUESTS * BATCH) / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  await freshBenchDatabase(DATABASE);
  const kafka = new Kafka({ clientId: `beckon-bench-intake-${RUN}`, brokers: BROKERS, logLevel: logLevel.NOTHING });
  await createTopics(kafka, [TOPIC]);
  const config = loadConfig({
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_EVENTS_TOPIC: TOPIC,
    KAFKA_INTERNAL_PREFIX: PREFIX,
    KAFKA_CLIENT_ID: `beckon-bench-intake-${RUN}`,
    DATABASE_URL: benchDatabaseUrl(DATABASE),
    API_KEYS: `marketer:${MARKETER_KEY},source:${SOURCE_KEY}`,
    LOG_LEVEL: 'warn',
  });
  let app: INestApplication | undefined;
  try {
    app = await createApiApp(config);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    log(`${ROUNDS} rounds × ${REQUESTS} requests × ${BATCH} events, ${CONCURRENCY} in flight, one API instance`);
    for (const endpoint of ENDPOINTS) await round(url, endpoint); // warm-up
    const rates = new Map(ENDPOINTS.map((e) => [e.name, [] as number[]]));
    for (let r = 0; r < ROUNDS; r++)
      for (const endpoint of ENDPOINTS) rates.get(endpoint.name)!.push(await round(url, endpoint));
    const baseline = median(rates.get(ENDPOINTS[0].name)!);
    for (const [name, values] of rates) {
      const rate = median(values);
      log(
        `${name.padEnd(36)} ${fmt(rate).padStart(8)} events/s (median; ${((rate / baseline) * 100).toFixed(0)} % of baseline)`,
      );
    }
  } finally {
    await app?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [TOPIC], timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
    await dropBenchDatabase(DATABASE);
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: Error) => {
    console.error(`[bench:intake] failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
