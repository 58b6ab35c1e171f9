import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@beckon/persistence';
import { DispatchLogService } from '../apps/api/src/dispatches/dispatch-log.service';
import { dispatchLogQuerySchema, dispatchStatsQuerySchema } from '../apps/api/src/dispatches/dispatch-query.schemas';
import { DispatchStatsService } from '../apps/api/src/dispatches/dispatch-stats.service';
import { SchedulerRegistry } from '@nestjs/schedule';
import { loadConfig } from '@beckon/config';
import { ConversionRepository, PlacedOrder } from '../apps/engine/src/attribution/conversion.repository';
import { DispatchCountFolder } from '../apps/engine/src/dispatch-counts/dispatch-count-folder';
import { RuleCache } from '../apps/engine/src/rules/rule-cache';
import { benchDatabaseUrl, dropBenchDatabase, fmt, freshBenchDatabase } from './bench-database';

/**
 * npm run bench:log — the dispatch log at scale: 10,000,000 dispatches over 90 days (50 rules,
 * 1,000,000 customers, the usual mix of channels, statuses and reasons) and 2,000,000 orders,
 * generated with generate_series into a freshly migrated database; the engine's own code then folds
 * the dispatch counts and attributes every order, and the API's own services (DispatchLogService,
 * DispatchStatsService) and the attribution of one more batch are timed.
 *
 *   BENCH_LOG_ROWS       dispatches generated                        (default 10000000)
 *   BENCH_LOG_DATABASE   database created for it                     (default beckon_bench_log)
 *   BENCH_ADMIN_URL      PostgreSQL URL used to drop/create it       (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_LOG_REUSE=1    time against the database a previous run kept (BENCH_KEEP=1) instead of generating
 *   BENCH_KEEP=1         keep the database afterwards
 */

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 10_000_000);
const CUSTOMERS = 1_000_000;
const ORDERS = 2_000_000;
const RULES = 50;
const DAYS = 90;
const CHUNKS = 10;
const ATTRIBUTION_BATCH = 2000;
const RUNS = 5;
const TARGET_MS = 100;
const DATABASE = process.env.BENCH_LOG_DATABASE ?? 'beckon_bench_log';
const REUSE = process.env.BENCH_LOG_REUSE === '1';
const KEEP = process.env.BENCH_KEEP === '1' || REUSE;
const DAY = 24 * 3600 * 1000;

const databaseUrl = benchDatabaseUrl(DATABASE);
const log = (line: string) => console.log(`[bench:log] ${line}`);

/** Steps of the generated rules: the stats list a rule's steps from its definition. */
const STEPS = JSON.stringify([
  { after: 'PT1H', channels: ['email', 'webpush'], email: { subject: 'x', text: 'x' }, webpush: { title: 'x' } },
  { after: 'P1D', channels: ['email'], email: { subject: 'x', text: 'x' } },
  { after: 'P3D', channels: ['email'], email: { subject: 'x', text: 'x' } },
]);

/**
 * The dispatch mix, one row per i in created_at order (as the log grows): a few rules carry most of
 * the traffic, most rows are first steps, a little over half were sent, a fifth were suppressed for
 * the usual reasons (and a rare one, rule_disabled), and only the last two days hold pending steps.
 */
const DISPATCHES_SQL = `
  INSERT INTO dispatches (id, dispatch_key, rule_id, customer_id, occasion, step, channel, status, reason, due_at,
                          provider_response, correlation_id, created_at, updated_at, sent_at, cap_counted_at)
  SELECT gen_random_uuid(), rule_id || '|' || customer_id || '|' || occasion || '|' || step, rule_id, customer_id,
         occasion, step, channel, status, reason,
         CASE WHEN status IN ('scheduled', 'deferred') THEN created_at + interval '1 hour' END,
         CASE WHEN status = 'sent' AND channel = 'email' THEN '250 2.0.0 Ok: queued' END,
         occasion, created_at, COALESCE(sent_at, created_at), sent_at,
         CASE WHEN status IN ('sent', 'queued') THEN created_at END
    FROM (
      SELECT g.*,
             CASE WHEN status = 'sent' THEN created_at + (p_time * 120) * interval '1 minute' END AS sent_at,
             CASE WHEN status IN ('sent', 'failed', 'queued') THEN CASE WHEN p_channel < 0.7 THEN 'email' ELSE 'webpush' END END AS channel,
             CASE status
               WHEN 'suppressed' THEN CASE WHEN rare THEN 'rule_disabled' ELSE
                      (ARRAY['capped:email:16h', 'capped:any:7d', 'capped:webpush:1d', 'no_address', 'unsubscribed',
                             'order_completed', 'cart_emptied', 'no_subscription', 'undeliverable'])
                      [1 + floor(p_reason * p_reason * 9)::int] END
               WHEN 'failed' THEN (ARRAY['smtp:550', 'push:410', 'smtp:421', 'unknown_outcome'])[1 + floor(p_reason * 4)::int]
               WHEN 'deferred' THEN 'quiet_hours'
               WHEN 'holdout' THEN 'holdout'
             END AS reason
        FROM (
          SELECT i, rules[1 + floor(${RULES} * p_rule * p_rule)::int] AS rule_id,
                 'c' || lpad(floor(p_customer * ${CUSTOMERS})::text, 7, '0') AS customer_id,
                 'bench:' || i AS occasion,
                 CASE WHEN p_step < 0.6 THEN 0 WHEN p_step < 0.9 THEN 1 ELSE 2 END AS step,
                 created_at, p_time, p_channel, p_reason,
                 CASE
                   WHEN p_status < 0.001 THEN 'suppressed'
                   WHEN p_status < 0.55 THEN 'sent'
                   WHEN p_status < 0.77 THEN 'suppressed'
                   WHEN p_status < 0.79 THEN 'failed'
                   WHEN p_status < 0.82 THEN 'holdout'
                   WHEN created_at < now() - interval '2 days' THEN 'sent'
                   WHEN p_status < 0.83 THEN 'queued'
                   WHEN p_status < 0.84 THEN 'deferred'
                   ELSE 'scheduled'
                 END AS status,
                 p_status < 0.001 AS rare
            FROM (SELECT i, random() AS p_rule, random() AS p_customer, random() AS p_step, random() AS p_status,
                         random() AS p_time, random() AS p_channel, random() AS p_reason,
                         now() - interval '${DAYS} days' + (i::float8 / $2) * interval '${DAYS} days' AS created_at
                    FROM generate_series($1::bigint, $1::bigint + $3 - 1) i) r,
                 (SELECT array_agg(id ORDER BY name) AS rules FROM rules) ids
        ) g
    ) d`;

async function generate(db: Client): Promise<void> {
  await db.query(`SELECT setseed(0.42)`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(
    `INSERT INTO rules (name, trigger, params, steps, holdout_percent)
     SELECT 'Rule ' || lpad(n::text, 2, '0'), 'abandoned_cart', '{"minCartValue": 0}', $1::jsonb, CASE WHEN n % 2 = 0 THEN 5 ELSE 0 END
       FROM generate_series(1, ${RULES}) n`,
    [STEPS],
  );
  await db.query(
    `INSERT INTO customers (id, email, first_name, last_seen_at)
     SELECT 'c' || lpad(n::text, 7, '0'), 'c' || n || '@example.com', 'Name' || n, now() FROM generate_series(0, ${CUSTOMERS - 1}) n`,
  );
  await db.query(
    // Numbered in the order they were placed, so the engine sees them arrive in time order.
    `INSERT INTO orders (id, customer_id, total, currency, placed_at)
     SELECT 'o' || lpad(n::text, 8, '0'), 'c' || lpad(floor(random() * ${CUSTOMERS})::text, 7, '0'),
            round((10 + random() * 190)::numeric, 2), 'EUR', now() - interval '${DAYS} days' + (n::float8 / ${ORDERS}) * interval '${DAYS} days'
       FROM generate_series(1, ${ORDERS}) n`,
  );

  // Bulk loading is fastest without indexes: drop the log's indexes (kept exactly as the migrations
  // made them), fill the table, then build them again.
  const { rows: indexes } = await db.query<{ name: string; definition: string; constraint_type: string | null }>(
    `SELECT i.indexname AS name, i.indexdef AS definition, c.contype AS constraint_type
       FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conname = i.indexname
      WHERE i.tablename = 'dispatches'`,
  );
  for (const index of indexes) {
    if (index.constraint_type !== null) await db.query(`ALTER TABLE dispatches DROP CONSTRAINT ${index.name}`);
    else await db.query(`DROP INDEX ${index.name}`);
  }
  const chunk = Math.ceil(ROWS / CHUNKS);
  for (let start = 1; start <= ROWS; start += chunk) {
    const started = performance.now();
    await db.query(DISPATCHES_SQL, [start, ROWS, Math.min(chunk, ROWS - start + 1)]);
    log(
      `  dispatches ${fmt(start)}..${fmt(start + chunk - 1)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  for (const index of indexes) {
    const started = performance.now();
    await db.query(index.definition);
    if (index.constraint_type === 'p')
      await db.query(`ALTER TABLE dispatches ADD PRIMARY KEY USING INDEX ${index.name}`);
    if (index.constraint_type === 'u') {
      await db.query(`ALTER TABLE dispatches ADD CONSTRAINT ${index.name} UNIQUE USING INDEX ${index.name}`);
    }
    log(`  index ${index.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  // A database that has been running is vacuumed; a freshly loaded one is not until autovacuum comes by.
  await db.query('VACUUM ANALYZE');
}

interface Timing {
  label: string;
  rows: number;
  firstMs: number;
  medianMs: number;
}

async function time(label: string, work: () => Promise<number>): Promise<Timing> {
  const durations: number[] = [];
  let rows = 0;
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    rows = await work();
    durations.push(performance.now() - started);
  }
  const [firstMs, ...warm] = durations;
  const medianMs = warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)];
  log(`${label}: first ${firstMs.toFixed(1)} ms, median ${medianMs.toFixed(1)} ms (${fmt(rows)} rows)`);
  return { label, rows, firstMs, medianMs };
}

async function main(): Promise<number> {
  if (!REUSE) {
    log(
      `${fmt(ROWS)} dispatches over ${DAYS} days, ${RULES} rules, ${fmt(CUSTOMERS)} customers, ${fmt(ORDERS)} orders`,
    );
    await freshBenchDatabase(DATABASE);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const started = performance.now();
    try {
      await generate(db);
    } finally {
      await db.end();
    }
    log(`generated with generate_series in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 4));
  await dataSource.initialize();
  try {
    if (!REUSE) await prepareStats(dataSource);
    const logService = new DispatchLogService(dataSource);
    const statsService = new DispatchStatsService(dataSource);
    const page = (query: Record<string, unknown>) => async () =>
      (await logService.page(dispatchLogQuerySchema.parse(query))).items.length;
    const stats = (query: Record<string, unknown>) => async () => {
      const answer = await statsService.stats(dispatchStatsQuerySchema.parse(query));
      return answer.rows.length + answer.series.length + answer.rules.length;
    };

    const [{ rule_id: busyRule }] = await dataSource.query(
      `SELECT rule_id FROM dispatches WHERE created_at > now() - interval '1 day' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const [{ customer_id: customer }] = await dataSource.query(
      `SELECT customer_id FROM dispatches ORDER BY created_at DESC LIMIT 1`,
    );
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // A cursor half way down the log, as a client paging back 45 days would hold it.
    const deep = await logService.page(dispatchLogQuerySchema.parse({ until: iso(now - 45 * DAY), limit: 1 }));
    const cursor = deep.nextCursor as string;

    const timings: Timing[] = [];
    const measure = async (label: string, work: () => Promise<number>) => timings.push(await time(label, work));
    await measure('first page, unfiltered', page({}));
    await measure('by customer', page({ customerId: customer }));
    await measure('by rule', page({ ruleId: busyRule }));
    await measure('by status failed', page({ status: 'failed' }));
    await measure('by status queued (recent only)', page({ status: 'queued' }));
    await measure('by reason no_address', page({ reason: 'no_address' }));
    await measure('by rare reason rule_disabled', page({ reason: 'rule_disabled' }));
    await measure('by channel webpush + status failed', page({ channel: 'webpush', status: 'failed' }));
    await measure(
      'rule + status failed + one day a week ago',
      page({ ruleId: busyRule, status: 'failed', since: iso(now - 8 * DAY), until: iso(now - 7 * DAY) }),
    );
    await measure('deep page (cursor 45 days back)', page({ cursor }));
    await measure('deep page (cursor 45 days back) + rule', page({ cursor, ruleId: busyRule }));
    await measure('stats, last day', stats({ since: iso(now - DAY), until: iso(now) }));
    await measure('stats, last 7 days', stats({ since: iso(now - 7 * DAY), until: iso(now) }));
    await measure(
      'stats, last 7 days, one rule',
      stats({ since: iso(now - 7 * DAY), until: iso(now), ruleId: busyRule }),
    );

    const attribution = await timeAttribution(dataSource);
    timings.push(attribution);

    console.log(`\nDispatch log over ${fmt(ROWS)} dispatches (median of ${RUNS} warm runs after a first one)`);
    const width = Math.max(...timings.map((t) => t.label.length));
    console.log(
      `${'query'.padEnd(width)}  ${'rows'.padStart(5)}  ${'first ms'.padStart(8)}  ${'median ms'.padStart(9)}`,
    );
    for (const t of timings) {
      console.log(
        `${t.label.padEnd(width)}  ${fmt(t.rows).padStart(5)}  ${t.firstMs.toFixed(1).padStart(8)}  ${t.medianMs.toFixed(1).padStart(9)}${t.medianMs > TARGET_MS ? '  over 100 ms' : ''}`,
      );
    }
    return 0;
  } finally {
    await dataSource.destroy();
    if (!KEEP) await dropBenchDatabase(DATABASE);
  }
}

/** What the engine does as the log grows: fold the counters, attribute the orders (in ingestion-sized batches). */
async function prepareStats(dataSource: DataSource): Promise<void> {
  let started = performance.now();
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const folded = await new DispatchCountFolder(dataSource, config, new SchedulerRegistry()).fold();
  log(`folded ${fmt(folded)} count deltas in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const conversions = new ConversionRepository(new RuleCache(dataSource));
  let attributed = 0;
  let after = '';
  for (;;) {
    const rows: Array<{ id: string; customer_id: string; total: string; placed_at: Date }> = await dataSource.query(
      `SELECT id, customer_id, total, placed_at FROM orders WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, ATTRIBUTION_BATCH],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    const orders = rows.map((o) => ({
      orderId: o.id,
      customerId: o.customer_id,
      total: Number(o.total),
      currency: 'EUR',
      placedAt: o.placed_at,
    }));
    attributed += await dataSource.transaction((tx) => conversions.attribute(tx, orders));
  }
  const seconds = (performance.now() - started) / 1000;
  log(
    `attributed ${fmt(attributed)} of ${fmt(ORDERS)} orders in ${seconds.toFixed(1)} s (${fmt(ORDERS / seconds)} orders/s, batches of ${fmt(ATTRIBUTION_BATCH)})`,
  );
  await dataSource.query('VACUUM ANALYZE conversions, sequence_orders');
}

/** The engine's attribution of a batch of 1,000 new orders (rolled back, so every run sees the same log). */
async function timeAttribution(dataSource: DataSource): Promise<Timing> {
  const conversions = new ConversionRepository(new RuleCache(dataSource));
  const customers: Array<{ customer_id: string }> = await dataSource.query(
    `SELECT customer_id FROM dispatches WHERE status = 'sent' AND created_at > now() - interval '3 days' LIMIT 1000`,
  );
  const orders: PlacedOrder[] = customers.map((c, n) => ({
    orderId: `bench-order-${n}`,
    customerId: c.customer_id,
    total: 42,
    currency: 'EUR',
    placedAt: new Date(),
  }));
  return time('attribute a batch of 1,000 orders', async () => {
    let attributed = 0;
    await dataSource
      .transaction(async (tx) => {
        attributed = await conversions.attribute(tx, orders);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return attributed;
  });
}

class Rollback extends Error {}

main()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    console.error(`[bench:log] failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
