import { ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, Message, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { ensureTopics } from '@beckon/kafka';
import { ticksOf } from './machine-cpu';
import type { ReceiverReady, ReceiverStats } from './receiver-process';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A receiver in its own process (bench/receiver-process.ts), asked for its counts over IPC. */
export interface Receiver {
  pid: number;
  port: number;
  subscriptions: unknown[];
  stats(): Promise<ReceiverStats>;
  stop(): Promise<void>;
}

export async function spawnReceiver(mode: 'smtp' | 'push', env: Record<string, string> = {}): Promise<Receiver> {
  const child: ChildProcess = fork(join(__dirname, 'receiver-process.ts'), [mode], {
    execArgv: [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      ...(process.env.BENCH_RECEIVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/recvprof'] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReceiverReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ReceiverReady));
    child.once('exit', (code) => reject(new Error(`${mode} receiver exited with ${code} before it was ready`)));
  });
  return {
    pid: child.pid!,
    port: ready.port,
    subscriptions: ready.subscriptions ?? [],
    stats: () =>
      new Promise<ReceiverStats>((resolve) => {
        child.once('message', (message) => resolve(message as ReceiverStats));
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `n` queued dispatches on `channel` in one statement; customers c0..c999 (no customers rows: consent unknown). */
export async function insertQueuedDispatches(
  db: Client,
  channel: 'email' | 'webpush',
  n: number,
): Promise<{ id: string; customerId: string }[]> {
  const { rows } = await db.query<{ id: string; customerId: string }>(
    `INSERT INTO dispatches (dispatch_key, rule_id, customer_id, occasion, step, channel, status)
     SELECT 'bench:' || $1 || ':' || g, gen_random_uuid(), 'c' || (g % 1000), 'bench', 1, $1, 'queued'
       FROM generate_series(1, $2) AS g
     RETURNING id::text AS id, customer_id AS "customerId"`,
    [channel, n],
  );
  return rows;
}

export async function produceAll(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2_000) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The service's topics as it would create them (4 partitions), so the backlog can be produced before it starts. */
export async function createTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/** When the service claimed its first attempt, and how many dispatches were finished by then. */
export async function waitUntilStarted(
  db: Client,
  channel: string,
  timeoutMs: number,
): Promise<{ at: number; finished: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ attempts: number; finished: number }>(
      `SELECT (SELECT count(*) FROM delivery_attempts WHERE channel = $1)::int AS attempts,
              (SELECT count(*) FROM dispatches WHERE channel = $1 AND status IN ('sent', 'failed'))::int AS finished`,
      [channel],
    );
    if (rows[0].attempts > 0) return { at: performance.now(), finished: rows[0].finished };
    if (performance.now() > deadline) throw new Error(`${channel} service claimed nothing within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Polls the receiver (over IPC, costing the database nothing) until it has `n` more messages than in
 * `before`; rejects when nothing arrives for `stallMs`.
 */
export async function waitUntilReceived(receiver: Receiver, before: ReceiverStats, n: number, stallMs: number) {
  let seen = -1;
  let movedAt = performance.now();
  for (;;) {
    const { count } = await receiver.stats();
    if (count - before.count >= n) return;
    if (count !== seen) {
      seen = count;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) {
      throw new Error(`receiver stalled at ${count - before.count}/${n}`);
    }
    await sleep(100); // 0.1 s against runs of 5-15 s; polling the receiver more often costs it CPU
  }
}

/** Polls until `n` dispatches of `channel` are finished; rejects when nothing moves for `stallMs`. */
export async function waitUntilFinished(db: Client, channel: string, n: number, stallMs: number): Promise<void> {
  let seen = -1;
  let movedAt = performance.now();
  for (;;) {
    const { rows } = await db.query<{ finished: number; sent: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('sent', 'failed'))::int AS finished,
              count(*) FILTER (WHERE status = 'sent')::int AS sent
         FROM dispatches WHERE channel = $1`,
      [channel],
    );
    const { finished } = rows[0];
    if (finished >= n) return;
    if (finished !== seen) {
      seen = finished;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) {
      throw new Error(`${channel} delivery stalled at ${finished}/${n}`);
    }
    await sleep(50);
  }
}

export async function statusCounts(db: Client, channel: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; reason: string | null; n: number }>(
    `SELECT status, reason, count(*)::int AS n FROM dispatches WHERE channel = $1 GROUP BY 1, 2`,
    [channel],
  );
  return Object.fromEntries(rows.map((r) => [r.reason ? `${r.status} (${r.reason})` : r.status, r.n]));
}

/** Runs `fn` over `items` with `limit` in flight; resolves with the elapsed seconds. */
export async function timedPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return (performance.now() - started) / 1000;
}

/**
 * CPU seconds (user + system) of the calling thread (Linux, /proc/thread-self; clock ticks of 10 ms);
 * undefined elsewhere. The service's main thread is its ceiling: encryption runs on worker threads.
 */
export function threadCpuSeconds(): number | undefined {
  try {
    return ticksOf(readFileSync('/proc/thread-self/stat', 'utf8')) / 100;
  } catch {
    return undefined;
  }
}
