import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig } from '@beckon/config';
import { clickUrl, createClickToken } from '@beckon/consent';
import { createApiApp } from '../apps/api/src/create-api-app';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { benchDatabaseUrl, dropBenchDatabase, fmt, freshBenchDatabase } from './bench-database';

/**
 * npm run bench:tracking — requests/s of the tracked-link redirect (GET /c/{token}: verify the
 * signature, hand the click to Kafka, answer 302) on one API instance, next to GET /health on the
 * same instance in the same run as the baseline. The load comes from a second process over
 * keep-alive connections. Afterwards an engine writes the clicks, and the bench fails unless every
 * redirect answered is counted on its dispatch: fast and never lost.
 *
 *   BENCH_TRACKING_SECONDS      seconds per measure                 (default 10)
 *   BENCH_TRACKING_CONNECTIONS  concurrent keep-alive connections   (default 64)
 *   BENCH_KEEP=1                keep the database afterwards
 */

const SECONDS = Number(process.env.BENCH_TRACKING_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_TRACKING_CONNECTIONS ?? 64);
const DATABASE = 'beckon_bench_tracking';
const RUN = randomUUID().slice(0, 8);
const SECRET = 'bench-tracking-secret';
const PUBLIC_BASE_URL = 'https://beckon.example';

const log = (line: string) => console.log(`[bench:tracking] ${line}`);

/** The load generator: a plain Node process, `CONNECTIONS` loops of keep-alive GETs for `SECONDS`. */
const LOAD = `
const http = require('node:http');
const [url, connections, seconds, expected] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const until = Date.now() + Number(seconds) * 1000;
let ok = 0, other = 0;
const one = () => new Promise((resolve) => {
  http.get(url, { agent }, (res) => { res.resume(); res.on('end', () => { res.statusCode === Number(expected) ? ok++ : other++; resolve(); }); })
    .on('error', () => { other++; resolve(); });
});
const loop = async () => { while (Date.now() < until) await one(); };
const started = Date.now();
Promise.all(Array.from({ length: Number(connections) }, loop)).then(() => {
  console.log(JSON.stringify({ ok, other, ms: Date.now() - started }));
  agent.destroy();
});`;

async function load(url: string, expected: number): Promise<{ ok: number; other: number; perSecond: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '-e',
    LOAD,
    url,
    String(CONNECTIONS),
    String(SECONDS),
    String(expected),
  ]);
  const { ok, other, ms } = JSON.parse(stdout) as { ok: number; other: number; ms: number };
  return { ok, other, perSecond: (ok / ms) * 1000 };
}

async function main(): Promise<void> {
  await freshBenchDatabase(DATABASE);
  const databaseUrl = benchDatabaseUrl(DATABASE);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_EVENTS_TOPIC: `bench-${RUN}.storefront.events`,
    KAFKA_INTERNAL_PREFIX: `bench-${RUN}`,
    KAFKA_CLIENT_ID: `beckon-bench-tracking-${RUN}`,
    UNSUBSCRIBE_SECRET: SECRET,
    PUBLIC_BASE_URL,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const dispatchId = randomUUID();
  await db.query(
    `INSERT INTO dispatches (id, dispatch_key, rule_id, customer_id, occasion, step, channel, status, sent_at)
     VALUES ($1, 'bench', gen_random_uuid(), 'c1', 'bench', 0, 'email', 'sent', now())`,
    [dispatchId],
  );
  const api = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const base = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  const link = clickUrl(
    PUBLIC_BASE_URL,
    createClickToken({ dispatchId, url: 'https://shop.example/cart?id=1' }, SECRET),
  );
  const redirectUrl = link.replace(PUBLIC_BASE_URL, base);

  try {
    await load(`${base}/health`, 200); // warm-up, not counted
    const health = await load(`${base}/health`, 200);
    const redirect = await load(redirectUrl, 302);
    if (health.other + redirect.other > 0)
      throw new Error(`unexpected answers: health ${health.other}, redirect ${redirect.other}`);

    const engine = await createEngineApp(config);
    await engine.init();
    const started = Date.now();
    let clicks = 0;
    while (Date.now() - started < 120_000) {
      clicks = (await db.query(`SELECT clicks FROM dispatches WHERE id = $1`, [dispatchId])).rows[0].clicks;
      if (clicks >= redirect.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await engine.close();
    const ratio = redirect.perSecond / health.perSecond;
    log(`one API instance, ${CONNECTIONS} keep-alive connections from a second process, ${SECONDS} s each`);
    log(`| measure                               | requests/s |`);
    log(`| ------------------------------------- | ---------: |`);
    log(`| GET /health (baseline, same instance) | ${fmt(health.perSecond).padStart(10)} |`);
    log(`| GET /c/{token} → 302                  | ${fmt(redirect.perSecond).padStart(10)} |`);
    log(`| redirect / baseline                   | ${ratio.toFixed(2).padStart(8)} × |`);
    log(`${fmt(redirect.ok)} redirects answered, ${fmt(clicks)} clicks written on the dispatch`);
    if (clicks !== redirect.ok) throw new Error(`clicks lost or doubled: ${redirect.ok} answered, ${clicks} written`);
  } finally {
    await api.close();
    await db.end();
    if (process.env.BENCH_KEEP !== '1') await dropBenchDatabase(DATABASE);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
