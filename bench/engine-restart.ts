/*
 * How soon a SIGKILLed engine consumes again after its restart (issue 10, point 6).
 *
 *   ts-node -r tsconfig-paths/register bench/engine-restart.ts [rounds]
 *
 * Builds the services (tsc, into dist/) and runs the engine from the build as
 * `npm start` does, on its own database and its own topics. Each round: the engine is healthy and consuming, gets SIGKILL, is
 * started again at once, and an identify produced right after the restart is timed until its
 * customer row exists. Also times a SIGTERM (the member leaves its group) for comparison.
 * CONSUMER_* variables in the environment are passed on, so older settings can be compared, e.g.
 * CONSUMER_SESSION_TIMEOUT_MS=30000 CONSUMER_HEARTBEAT_INTERVAL_MS=3000 CONSUMER_RETRY_MAX_MS=15000.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { benchDatabaseUrl, dropBenchDatabase, freshBenchDatabase } from './bench-database';

const root = join(__dirname, '..');
const rounds = Number(process.argv[2] ?? 3);
const port = 3400 + Math.floor(Math.random() * 500);
const run = randomBytes(4).toString('hex');
const eventsTopic = `bench.${run}.storefront.events`;
const database = `beckon_bench_restart_${run}`;
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function build(): string {
  // Where `npm start` builds to: the compiled services find node_modules from there.
  const outDir = join(root, 'dist');
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('build failed');
  return outDir;
}

async function main(): Promise<void> {
  const dist = build();
  await freshBenchDatabase(database);
  const databaseUrl = benchDatabaseUrl(database);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const kafka = new Kafka({ clientId: 'restart-bench', brokers: [KAFKA_BROKERS], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumerVariables = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name.startsWith('CONSUMER_')),
  );
  const env = {
    ...process.env,
    KAFKA_BROKERS,
    KAFKA_EVENTS_TOPIC: eventsTopic,
    KAFKA_INTERNAL_PREFIX: `bench.${run}`,
    DATABASE_URL: databaseUrl,
    UNSUBSCRIBE_SECRET: 'bench',
    SERVICE_PORT: String(port),
    LOG_LEVEL: 'warn',
    TS_NODE_BASEURL: dist,
  };
  let engine: ChildProcess | undefined;
  const start = () => {
    engine = spawn(process.execPath, ['-r', 'tsconfig-paths/register', join(dist, 'apps/engine/src/main.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return Date.now();
  };
  const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
  const healthy = async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200;
  const consumed = async (customerId: string) =>
    ((await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId])).rowCount ?? 0) > 0;
  const produceIdentify = async () => {
    const userId = `restart-${randomUUID()}`;
    await producer.send({
      topic: eventsTopic,
      messages: [
        {
          key: userId,
          value: JSON.stringify({
            type: 'identify',
            messageId: randomUUID(),
            timestamp: new Date().toISOString(),
            userId,
            traits: { email: `${userId}@example.com` },
          }),
        },
      ],
    });
    return userId;
  };

  console.log(`engine on :${port}, ${JSON.stringify(consumerVariables)} (defaults where not set)`);
  const results: Array<{ stop: string; healthyMs: number; consumedMs: number }> = [];
  try {
    start();
    await until('the first start', healthy);
    const first = await produceIdentify();
    await until('the first event', () => consumed(first));
    for (let round = 0; round < rounds; round++) {
      for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
        // Let the member heartbeat normally for a while, as a service does before it dies.
        await sleep(3_000);
        const gone = exited(engine!);
        engine!.kill(signal);
        await gone;
        const restarted = start();
        const userId = await produceIdentify();
        let healthyMs = -1;
        await until('consumption after the restart', async () => {
          if (healthyMs < 0 && (await healthy())) healthyMs = Date.now() - restarted;
          return consumed(userId);
        });
        const consumedMs = Date.now() - restarted;
        if (healthyMs < 0) healthyMs = consumedMs;
        results.push({ stop: signal, healthyMs, consumedMs });
        console.log(`${signal}: healthy ${healthyMs} ms, event consumed ${consumedMs} ms after the restart`);
      }
    }
  } finally {
    if (engine && engine.exitCode === null && engine.signalCode === null) {
      const gone = exited(engine);
      engine.kill('SIGTERM');
      await gone;
    }
    await producer.disconnect();
    await db.end();
    await dropBenchDatabase(database);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`bench.${run}.`));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
  for (const stop of ['SIGKILL', 'SIGTERM']) {
    const times = results.filter((r) => r.stop === stop).map((r) => r.consumedMs);
    console.log(`${stop}: consumed after ${times.join(', ')} ms (max ${Math.max(...times)} ms)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
