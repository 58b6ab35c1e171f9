import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BeckonConfig } from '@beckon/config';
import { loadCustomerCare, saveCapSettings } from '@beckon/persistence';
import { CARE_SIGNALS, defaultCapSettings, Rule } from '@beckon/rules';
import { CapLedgerRepository } from '../apps/engine/src/capping/cap-ledger.repository';
import { CapSettingsRepository } from '../apps/engine/src/capping/cap-settings.repository';
import { CappingService } from '../apps/engine/src/capping/capping.service';
import { benchDatabaseUrl, dropBenchDatabase, fmt, freshBenchDatabase } from './bench-database';

/**
 * npm run bench:care (also the end of npm run bench) — what the care window costs a due step. The
 * firing loop's capping stage for a batch of due steps (lock the customers' cap ledgers, read their
 * cap history and, with the care window on, who of them is in care, then judge every step), timed
 * with the care window on and, as the baseline, off (`signals: []` skips the lookup), in the same
 * run, rounds interleaved, on PostgreSQL with the engine's own CappingService.
 *
 *   BENCH_CARE_CUSTOMERS  customers generated, one in ten in care    (default 200000)
 *   BENCH_CARE_ROUNDS     batches timed per variant                  (default 300)
 *   BENCH_CARE_DATABASE   database created (and dropped) for it      (default beckon_bench_care)
 *   BENCH_ADMIN_URL       PostgreSQL URL used to drop/create it      (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_KEEP=1          keep the database afterwards for inspection
 */

const CUSTOMERS = Number(process.env.BENCH_CARE_CUSTOMERS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_CARE_ROUNDS ?? 300);
const DATABASE = process.env.BENCH_CARE_DATABASE ?? 'beckon_bench_care';
const KEEP = process.env.BENCH_KEEP === '1';
/** The firing loop's claim size (apps/engine/src/firing/due-step.worker.ts). */
const BATCH = 200;
const WARM_UP = 20;

const log = (line: string) => console.log(`[bench:care] ${line}`);
const customerId = (i: number) => `c${String(i).padStart(7, '0')}`;

/** Customers, one in ten in care for another week, and a week of cap history (one email each). */
async function generate(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO customers (id, email, care_until, care_signal)
     SELECT 'c' || lpad(i::text, 7, '0'), 'c' || i || '@example.com',
            CASE WHEN i % 10 = 0 THEN now() + interval '7 days' END,
            CASE WHEN i % 10 = 0 THEN (ARRAY['refund', 'complaint', 'detractor'])[1 + i % 3] END
     FROM generate_series(1, $1) i`,
    [CUSTOMERS],
  );
  await db.query(
    `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status, cap_counted_at)
     SELECT 'bench:' || i, gen_random_uuid(), 'c' || lpad(i::text, 7, '0'), 'bench', 0, 'email', 'sent',
            now() - (i % 168) * interval '1 hour'
     FROM generate_series(1, $1) i`,
    [CUSTOMERS],
  );
  await db.query('VACUUM ANALYZE');
}

/** A batch's customers: random, as due steps come. */
function batchOf(): string[] {
  return Array.from({ length: BATCH }, () => customerId(1 + Math.floor(Math.random() * CUSTOMERS)));
}

const rule = { caps: { exempt: false } } as Pick<Rule, 'caps' | 'quietHours'>;

/** One batch's capping stage in its own transaction (rolled back: nothing is decided). */
async function cappingStage(
  dataSource: DataSource,
  capping: CappingService,
): Promise<{ ms: number; inCare: number; lookupMs: number }> {
  const ids = batchOf();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    const started = performance.now();
    const gate = await capping.open(runner.manager, ids);
    let inCare = 0;
    for (const id of ids) {
      const limits = gate.limitsFor(rule, id, null);
      if (limits.careReason) inCare++;
      else limits.capReason('email');
    }
    const ms = performance.now() - started;
    // The lookup alone, once more in the same transaction: the part of the difference the noise of
    // the lock and history reads can hide.
    const lookupStarted = performance.now();
    await loadCustomerCare(runner.manager, ids, new Date());
    return { ms, inCare, lookupMs: performance.now() - lookupStarted };
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

async function main(): Promise<number> {
  log(`${fmt(CUSTOMERS)} customers (one in ten in care), ${ROUNDS} batches of ${BATCH} due steps per variant`);
  await freshBenchDatabase(DATABASE);
  const url = benchDatabaseUrl(DATABASE);
  const db = new Client({ connectionString: url });
  await db.connect();
  const dataSource = new DataSource({ type: 'postgres', url, poolSize: 2 });
  try {
    const generatedAt = performance.now();
    await generate(db);
    log(`generated in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`);
    await dataSource.initialize();
    const config = { DEFAULT_TIMEZONE: 'UTC' } as BeckonConfig;
    const capping = new CappingService(new CapSettingsRepository(config), new CapLedgerRepository());
    const on = { ...defaultCapSettings('UTC'), care: { window: 'P14D', signals: [...CARE_SIGNALS] } };
    const off = { ...on, care: { window: 'P14D', signals: [] } };

    const timings = { on: [] as number[], off: [] as number[], lookup: [] as number[] };
    let inCare = 0;
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      // Interleaved, so both variants see the same cache and the same machine.
      for (const variant of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        await saveCapSettings(db, variant === 'on' ? on : off);
        const result = await cappingStage(dataSource, capping);
        if (round < WARM_UP) continue;
        timings[variant].push(result.ms);
        timings.lookup.push(result.lookupMs);
        if (variant === 'on') inCare += result.inCare;
        else if (result.inCare !== 0) throw new Error('the care window held steps back while it was off');
      }
    }
    if (inCare === 0) throw new Error('no customer was in care: the care lookup measured nothing');

    const perStepUs = (ms: number) => ((ms * 1000) / BATCH).toFixed(1);
    const rows = [
      ['capping stage, batch of 200 due steps', 'median ms', 'p95 ms', 'µs per due step'],
      ['care window off (baseline: ledger lock + cap history)', ...figures(timings.off)],
      ['care window on (+ care lookup and verdict)', ...figures(timings.on)],
      ['the care lookup alone (customers.care_until by primary key)', ...figures(timings.lookup)],
      [
        'cost of the care check (on − off)',
        (median(timings.on) - median(timings.off)).toFixed(2),
        '',
        perStepUs(median(timings.on) - median(timings.off)),
      ],
    ];
    function figures(values: number[]): string[] {
      return [median(values).toFixed(2), p95(values).toFixed(2), perStepUs(median(values))];
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    console.log(
      `\nThe care check per due step, same run (${fmt((inCare / (ROUNDS * BATCH)) * 100)} % of steps held back)`,
    );
    for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`);
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await db.end();
    if (KEEP) log(`BENCH_KEEP=1: kept database ${DATABASE}`);
    else await dropBenchDatabase(DATABASE);
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    console.error(`[bench:care] failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
