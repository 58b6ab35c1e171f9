import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { KafkaMessage } from 'kafkajs';
import { DataSource, QueryRunner } from 'typeorm';
import { StorefrontEventsConsumer } from '../apps/engine/src/ingestion/storefront-events.consumer';
import { processCpu } from './machine-cpu';

/**
 * Timing taken around the engine from the outside, without touching engine code: the consumer's
 * handleBatch is wrapped on its instance, and every query runner the ingestion path creates (found
 * through AsyncLocalStorage, so the timer worker and outbox relay are not counted) has its connect and
 * query wrapped. Costs a few performance.now() calls per statement.
 */
export interface StatementStats {
  count: number;
  ms: number;
  rows: number;
}

export interface EngineProfile {
  batches: number;
  messages: number;
  batchSizes: number[];
  firstBatchStart: number;
  lastBatchEnd: number;
  handleMs: number;
  txMs: number;
  connectMs: number;
  statements: Map<string, StatementStats>;
  maxInFlight: number;
}

interface BatchScope {
  inTx: boolean;
}

const scope = new AsyncLocalStorage<BatchScope>();

/** A short, stable name for a statement: verb and table, plus what tells the variants apart. */
export function statementLabel(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const write = /^(INSERT INTO|UPDATE|DELETE FROM) (\w+)/i.exec(s);
  if (write) {
    const verb = write[1].split(' ')[0].toUpperCase();
    let variant = '';
    if (verb === 'UPDATE' && /FROM unnest/i.test(s)) variant = ' … FROM unnest';
    else if (verb === 'UPDATE') variant = ' … WHERE = ANY';
    if (/ON CONFLICT/i.test(s)) variant = /DO NOTHING/i.test(s) ? ' ON CONFLICT DO NOTHING' : ' ON CONFLICT DO UPDATE';
    return `${verb} ${write[2]}${variant}`;
  }
  const read = /^SELECT .*? FROM (\w+)/i.exec(s);
  if (read) return `SELECT ${read[1]}${/FOR UPDATE/i.test(s) ? ' FOR UPDATE' : ''}`;
  return s.slice(0, 40).toUpperCase();
}

function rowsIn(params: unknown): number {
  if (!Array.isArray(params) || params.length === 0) return 0;
  return Array.isArray(params[0]) ? params[0].length : 1;
}

export function instrumentEngine(consumer: StorefrontEventsConsumer, dataSource: DataSource): EngineProfile {
  const profile: EngineProfile = {
    batches: 0,
    messages: 0,
    batchSizes: [],
    firstBatchStart: 0,
    lastBatchEnd: 0,
    handleMs: 0,
    txMs: 0,
    connectMs: 0,
    statements: new Map(),
    maxInFlight: 0,
  };
  let inFlight = 0;
  const record = (label: string, ms: number, rows: number) => {
    const stats = profile.statements.get(label) ?? { count: 0, ms: 0, rows: 0 };
    stats.count++;
    stats.ms += ms;
    stats.rows += rows;
    profile.statements.set(label, stats);
  };

  const handleBatch = consumer.handleBatch.bind(consumer);
  consumer.handleBatch = (messages: KafkaMessage[], partition: number) => {
    const started = performance.now();
    if (profile.firstBatchStart === 0) profile.firstBatchStart = started;
    inFlight++;
    profile.maxInFlight = Math.max(profile.maxInFlight, inFlight);
    return scope.run({ inTx: false }, async () => {
      try {
        await handleBatch(messages, partition);
      } finally {
        inFlight--;
        const ended = performance.now();
        profile.batches++;
        profile.messages += messages.length;
        profile.batchSizes.push(messages.length);
        profile.handleMs += ended - started;
        profile.lastBatchEnd = ended;
      }
    });
  };

  const transaction = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  (dataSource as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = async (
    ...args: unknown[]
  ) => {
    const batch = scope.getStore();
    if (batch === undefined) return transaction(...args);
    const started = performance.now();
    batch.inTx = true;
    try {
      return await transaction(...args);
    } finally {
      batch.inTx = false;
      profile.txMs += performance.now() - started;
    }
  };

  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>): QueryRunner => {
    const runner = createQueryRunner(...args);
    if (scope.getStore() === undefined) return runner;
    let connectMsHere = 0;
    const connect = runner.connect.bind(runner);
    runner.connect = async () => {
      const started = performance.now();
      try {
        return await connect();
      } finally {
        const ms = performance.now() - started;
        connectMsHere += ms;
        profile.connectMs += ms;
      }
    };
    const query = runner.query.bind(runner) as (...a: unknown[]) => Promise<unknown>;
    (runner as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (...a: unknown[]) => {
      const started = performance.now();
      const connectBefore = connectMsHere;
      try {
        return await query(...a);
      } finally {
        const ms = performance.now() - started - (connectMsHere - connectBefore);
        record(statementLabel(String(a[0])), ms, rowsIn(a[1]));
      }
    };
    return runner;
  };
  return profile;
}

/**
 * CPU ticks (user + system) of every process whose command name matches (and, when given, whose
 * command line matches too, e.g. the PostgreSQL backends serving one database), by pid.
 */
export function processTicks(match: RegExp, cmdline?: RegExp): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const { pid, comm, ticks: used } of processCpu()) {
    if (!match.test(comm)) continue;
    try {
      if (cmdline && !cmdline.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
    } catch {
      continue; // the process ended while we looked
    }
    ticks.set(pid, used);
  }
  return ticks;
}

/** CPU seconds spent between two snapshots (processes born in between count from zero). */
export function cpuSecondsBetween(before: Map<number, number>, after: Map<number, number>, hz = 100): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / hz;
}
