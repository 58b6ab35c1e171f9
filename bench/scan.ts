import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { Client } from 'pg';
import { BeckonConfig, ConfigModule, loadConfig } from '@beckon/config';
import { PersistenceModule } from '@beckon/persistence';
import { Rule } from '@beckon/rules';
import { MomentScanner, ScanReport } from '../apps/engine/src/moments/moment-scanner';
import { MomentsModule } from '../apps/engine/src/moments/moments.module';
import { RestockModule } from '../apps/engine/src/restock/restock.module';
import { RestockFanoutWorker } from '../apps/engine/src/restock/restock-fanout.worker';
import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { benchDatabaseUrl, dropBenchDatabase, fmt, freshBenchDatabase } from './bench-database';

/**
 * npm run bench (second part) — time-based evaluation at scale: the moment scanner over generated
 * customers (sleep, birthday) and reorder clocks, and a restock fanned out to a long waiting list,
 * with the engine's own scanner and fan-out code on PostgreSQL (no Kafka needed).
 *
 *   BENCH_SCAN_CUSTOMERS  customers generated                          (default 1000000)
 *   BENCH_SCAN_WAITING    waiting list of the restocked product        (default 100000)
 *   BENCH_SCAN_DATABASE   database created (and dropped) for it        (default beckon_bench_scan)
 *   BENCH_ADMIN_URL       PostgreSQL URL used to drop/create it        (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_KEEP=1          keep the database afterwards for inspection
 */

const CUSTOMERS = Number(process.env.BENCH_SCAN_CUSTOMERS ?? 1_000_000);
const WAITING = Number(process.env.BENCH_SCAN_WAITING ?? 100_000);
const DATABASE = process.env.BENCH_SCAN_DATABASE ?? 'beckon_bench_scan';
const KEEP = process.env.BENCH_KEEP === '1';
const TARGET_SECONDS = 10;
const DAY = 24 * 3600 * 1000;

const databaseUrl = benchDatabaseUrl(DATABASE);
const log = (line: string) => console.log(`[bench:scan] ${line}`);

/**
 * A shop's history in bulk: every customer ordered at some point in the last three years (a third
 * of them once), has a birthday and one of a handful of time zones (or none), and has a reorder
 * clock for one product that runs out somewhere between a year ago and a year ahead.
 */
async function generate(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO customers (id, email, first_name, birthday, timezone, last_seen_at, last_order_at, order_count)
     SELECT 'c' || lpad(i::text, 7, '0'), 'c' || i || '@example.com', 'Name' || i,
            date '1960-01-01' + ((i::bigint * 7919) % 20000)::int,
            (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC', NULL])[1 + i % 5],
            now(), now() - ((i::bigint * 104729) % (3 * 365 * 24 * 60)) * interval '1 minute', 1 + i % 3
     FROM generate_series(1, $1) i`,
    [CUSTOMERS],
  );
  await db.query(
    `INSERT INTO reorder_clocks (customer_id, product_id, order_id, ordered_at, supply_days, runs_out_at, product)
     SELECT 'c' || lpad(i::text, 7, '0'), 'p' || (i % 50), 'o' || i, at, supply, at + supply * interval '24 hours', '{}'
     FROM (SELECT i, CASE WHEN i % 2 = 0 THEN 30 END AS supply,
                  now() - ((i::bigint * 15485863) % (365 * 24 * 60)) * interval '1 minute' AS at
           FROM generate_series(1, $1) i) g`,
    [CUSTOMERS],
  );
  await db.query(`INSERT INTO products (id, name, price, stock) VALUES ('restocked', 'Bench product', 10, 0)`);
  await db.query(
    `INSERT INTO stock_requests (customer_id, product_id, requested_at)
     SELECT 'c' || lpad(i::text, 7, '0'), 'restocked', now() FROM generate_series(1, $1) i`,
    [WAITING],
  );
  // A database that has been running is vacuumed; a freshly loaded one is not until autovacuum comes by.
  await db.query('VACUUM ANALYZE');
}

async function insertRule(db: Client, trigger: string, params: unknown): Promise<string> {
  const steps = [
    { after: 'PT0S', channels: ['email'], email: { subject: 'Hello {{ customer.first_name }}', text: 'x' } },
  ];
  const { rows } = await db.query(
    `INSERT INTO rules (name, trigger, params, steps) VALUES ($1, $1, $2, $3) RETURNING id`,
    [trigger, JSON.stringify(params), JSON.stringify(steps)],
  );
  return rows[0].id as string;
}

function summary(reports: ScanReport[]): string {
  const pages = reports.reduce((n, r) => n + r.pages, 0);
  const scheduled = reports.reduce((n, r) => n + r.scheduled, 0);
  return `${fmt(pages)} page(s), ${fmt(scheduled)} first steps scheduled`;
}

async function main(): Promise<number> {
  log(`${fmt(CUSTOMERS)} customers, ${fmt(CUSTOMERS)} reorder clocks, a waiting list of ${fmt(WAITING)}`);
  await freshBenchDatabase(DATABASE);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const config: BeckonConfig = loadConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    LOG_LEVEL: 'warn',
    // Driven by hand below: the intervals only have to stay out of the way.
    SCAN_INTERVAL_MS: String(3600_000),
    RESTOCK_POLL_MS: String(3600_000),
  });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      ScheduleModule.forRoot(),
      PersistenceModule.forRoot(),
      MomentsModule,
      RestockModule,
    ],
  })
  class ScanBenchModule {}

  let context: INestApplicationContext | null = null;
  const results: Array<[string, number, string]> = [];
  const measure = async (label: string, work: () => Promise<string>) => {
    const started = performance.now();
    const detail = await work();
    const seconds = (performance.now() - started) / 1000;
    log(`${label}: ${seconds.toFixed(3)} s, ${detail}`);
    results.push([label, seconds, detail]);
  };
  try {
    const started = performance.now();
    await generate(db);
    log(`generated with generate_series in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    context = await NestFactory.createApplicationContext(ScanBenchModule, { logger: ['error', 'warn'] });
    const scanner = context.get(MomentScanner);
    const rules = context.get(RuleCache);
    // The scanner's start-up pass runs before the rules exist, so each scan below is measured alone.
    await scanner.tick();

    const sleepingId = await insertRule(db, 'sleeping_customer', { inactiveDays: 90 });
    const oneTimersId = await insertRule(db, 'sleeping_customer', { inactiveDays: 180, maxOrders: 1 });
    const birthdayId = await insertRule(db, 'birthday', { daysBefore: 0, sendAt: '10:00' });
    const reorderId = await insertRule(db, 'consumable_reorder', { defaultDays: 30, leadDays: 3 });
    await rules.refreshIfChanged();
    const all = await rules.all();
    const scanRule = (id: string, at: Date) => async () => summary(await scanner.scanRule(all.get(id) as Rule, at));
    const now = new Date();

    await measure('sleeping (90 days), first scan: walks all history, one row per sleeper', scanRule(sleepingId, now));
    await db.query(`UPDATE moment_scans SET cursor_at = NULL, cursor_key = NULL WHERE rule_id = $1`, [sleepingId]);
    await measure('sleeping (90 days), same walk again: evaluation only', scanRule(sleepingId, now));
    await measure('sleeping (180 days, one-time buyers), first scan', scanRule(oneTimersId, now));
    await measure('birthday, first scan: every zone, next two days', scanRule(birthdayId, now));
    await measure('consumable reorder, first scan: dated and undated', scanRule(reorderId, now));
    await measure('next tick, a minute later, all four rules', async () =>
      summary(await scanner.scanAll(new Date(now.getTime() + 60_000))),
    );
    await measure('next day, all four rules', async () =>
      summary(await scanner.scanAll(new Date(now.getTime() + DAY))),
    );

    // Restock fan-out: the waiting list scheduled a batch per transaction, as the worker does.
    const restockId = await insertRule(db, 'back_in_stock', {});
    await rules.refreshIfChanged();
    await db.query(`UPDATE products SET stock = 5 WHERE id = 'restocked'`);
    await db.query(
      `INSERT INTO restock_fanouts (product_id, restocked_at, cursor, status) VALUES ('restocked', now(), 0, 'running')`,
    );
    const fanout = context.get(RestockFanoutWorker);
    await measure(`restock fan-out to ${fmt(WAITING)} waiting, 1,000 per transaction`, async () => {
      await fanout.tick();
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM dispatches WHERE rule_id = $1`, [restockId]);
      return `${fmt(rows[0].n)} first steps scheduled`;
    });

    console.log(`\nTime-based evaluation over ${fmt(CUSTOMERS)} customers, same run`);
    const width = Math.max(...results.map(([label]) => label.length));
    console.log(`${'measure'.padEnd(width)}  ${'seconds'.padStart(8)}  target   result  work`);
    for (const [label, seconds, work] of results) {
      const scanRow = !label.startsWith('restock');
      const target = scanRow ? `≤ ${TARGET_SECONDS} s` : '';
      const result = scanRow ? (seconds <= TARGET_SECONDS ? 'PASS' : 'OVER') : '';
      console.log(
        `${label.padEnd(width)}  ${seconds.toFixed(3).padStart(8)}  ${target.padEnd(7)}  ${result.padEnd(6)}  ${work}`,
      );
    }
    return 0;
  } finally {
    await context?.close();
    await db.end();
    if (!KEEP) {
      await dropBenchDatabase(DATABASE);
    }
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    console.error(`[bench:scan] failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
