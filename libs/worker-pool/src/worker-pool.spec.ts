import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { arithmetic, ArithmeticJob } from './fixtures/arithmetic';
import { WorkerJobError, WorkerPool } from './worker-pool';

const workerModule = join(__dirname, 'fixtures', 'arithmetic.worker');
const poolOf = (threads: number) =>
  new WorkerPool<ArithmeticJob, unknown>({
    threads,
    workerModule,
    inline: (job) => arithmetic(job, { offset: 1000 }),
    workerData: { offset: 1000 },
  });

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe.each([0, 1, 2])('WorkerPool with %i thread(s)', (threads) => {
  let pool: WorkerPool<ArithmeticJob, unknown>;
  beforeAll(() => {
    pool = poolOf(threads);
  });
  afterAll(() => pool.close());

  it('answers every job with its own result, in batches of any size, with the worker data', async () => {
    expect(await pool.run({ op: 'add', value: 1 })).toBe(1001);
    const values = Array.from({ length: 500 }, (_, i) => i);
    expect(await Promise.all(values.map((value) => pool.run({ op: 'add', value })))).toEqual(
      values.map((v) => v + 1000),
    );
  });

  it('fails only the failing job, keeping its error code', async () => {
    const [good, bad] = await Promise.all([
      pool.run({ op: 'add', value: 2 }),
      failureOf(pool.run({ op: 'fail', code: 'ERR_ON_PURPOSE' })),
    ]);
    expect(good).toBe(1002);
    expect(bad).toMatchObject({ message: 'failed on purpose', code: 'ERR_ON_PURPOSE' });
  });

  it('returns byte arrays intact, several in one batch', async () => {
    const results = (await Promise.all([10, 20, 5000].map((size) => pool.run({ op: 'bytes', size })))) as Uint8Array[];
    expect(results.map((r) => r.byteLength)).toEqual([10, 20, 5000]);
    expect(results.every((r) => r.every((byte) => byte === 7))).toBe(true);
  });

  it('waits for asynchronous jobs', async () => {
    expect(await pool.run({ op: 'later', value: 5, ms: 20 })).toBe(1005);
  });
});

describe('WorkerPool across threads', () => {
  it('spreads a burst over its workers', async () => {
    const pool = poolOf(2);
    try {
      const ids = (await Promise.all(Array.from({ length: 50 }, () => pool.run({ op: 'thread' })))) as {
        threadId: number;
      }[];
      expect(new Set(ids.map((r) => r.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('fails the jobs a dying worker held, replaces it and carries on', async () => {
    const pool = poolOf(1);
    try {
      const crashed = await failureOf(pool.run({ op: 'crash' }));
      expect(crashed).toBeInstanceOf(Error);
      expect((crashed as Error).message).toMatch(/exited with code 3/);
      expect(crashed).not.toBeInstanceOf(WorkerJobError);
      expect(await pool.run({ op: 'add', value: 3 })).toBe(1003);
      expect(pool.threads).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('starts afresh after another pool closed its workers', async () => {
    for (let round = 0; round < 3; round++) {
      const pool = poolOf(2);
      expect(await Promise.all([1, 2, 3].map((value) => pool.run({ op: 'add', value })))).toEqual([1001, 1002, 1003]);
      await pool.close();
    }
  });

  it('starts afresh after closing, also in a process running from source on ts-node', () => {
    // jest keeps swc loaded in the test process; a plain ts-node process is where a worker compiler
    // that cannot be unloaded (swc's native addon) crashed the second pool.
    const script = `
      const { join } = require('node:path');
      const { WorkerPool } = require(${JSON.stringify(join(__dirname, 'worker-pool.ts'))});
      const inline = () => 0;
      (async () => {
        for (let round = 0; round < 3; round++) {
          const pool = new WorkerPool({ threads: 1, workerModule: ${JSON.stringify(workerModule)}, inline, workerData: { offset: round } });
          process.stdout.write(String(await pool.run({ op: 'add', value: 10 })) + ' ');
          await pool.close();
        }
      })();`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: join(__dirname, '../../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: run.status, signal: run.signal, stdout: run.stdout.trim() }).toEqual({
      status: 0,
      signal: null,
      stdout: '10 11 12',
    });
  });

  it('refuses work once closed', async () => {
    const pool = poolOf(1);
    await pool.close();
    await expect(pool.run({ op: 'add', value: 1 })).rejects.toThrow(/closed/);
  });
});
