import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One job's result as it crosses the thread boundary. */
export type JobResult<R> = { ok: true; value: R } | { ok: false; message: string; code?: string };

export interface BatchRequest<J> {
  batch: number;
  jobs: J[];
}

export interface BatchReply<R> {
  batch: number;
  results: JobResult<R>[];
}

/** A job that failed on a worker, carrying the original error's code (e.g. ERR_CRYPTO_*) across threads. */
export class WorkerJobError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface WorkerPoolOptions<J, R> {
  /** Worker threads; 0 runs `inline` on the calling thread instead. */
  threads: number;
  /** The worker's module without extension (`join(__dirname, 'x.worker')`); it calls serveBatches. */
  workerModule: string;
  /** The same work on the calling thread, for `threads: 0`. */
  inline: (job: J) => R | Promise<R>;
  /** Handed to each worker as `workerData` (e.g. a signing key, parsed once per thread). */
  workerData?: unknown;
}

interface Pending<J, R> {
  job: J;
  resolve: (value: R) => void;
  reject: (error: Error) => void;
}

interface Slot<J, R> {
  worker: Worker;
  batches: Map<number, Pending<J, R>[]>;
}

/** Two, so a worker has the next batch at hand when it finishes one. */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * CPU-heavy jobs on worker threads, handed over in batches: jobs queued during one event-loop turn
 * travel to a worker as one message and come back as one, so the hand-off costs a few microseconds
 * per job. A busy worker is not sent more: jobs wait for its reply and then go as one larger batch,
 * so batches grow with the load instead of one message per job. Results that are byte arrays owning
 * their memory are moved, not copied (see serveBatches). A worker that dies fails what it held and
 * is replaced. Idle workers never keep the process alive; work in flight does.
 */
export class WorkerPool<J, R> {
  private readonly slots: Slot<J, R>[] = [];
  private queue: Pending<J, R>[] = [];
  private flushScheduled = false;
  private nextBatch = 0;
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions<J, R>) {
    for (let i = 0; i < options.threads; i++) this.slots.push(this.spawn());
  }

  get threads(): number {
    return this.slots.length;
  }

  run(job: J): Promise<R> {
    if (this.slots.length === 0) {
      try {
        return Promise.resolve(this.options.inline(job));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    if (this.closing) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  /** Hands what is queued to the workers with fewer than two batches in flight, split evenly. */
  private flush(): void {
    this.flushScheduled = false;
    const ready = this.slots.filter((slot) => slot.batches.size < MAX_BATCHES_IN_FLIGHT);
    if (ready.length === 0 || this.queue.length === 0) return;
    const size = Math.ceil(this.queue.length / ready.length);
    for (const slot of ready) {
      const pending = this.queue.splice(0, size);
      if (pending.length === 0) break;
      const batch = this.nextBatch++;
      slot.batches.set(batch, pending);
      slot.worker.ref(); // work in flight keeps the process alive, as any pending I/O does
      slot.worker.postMessage({ batch, jobs: pending.map((p) => p.job) } satisfies BatchRequest<J>);
    }
  }

  private spawn(): Slot<J, R> {
    const slot: Slot<J, R> = {
      worker: startWorker(this.options.workerModule, this.options.workerData),
      batches: new Map(),
    };
    let crash: Error | undefined;
    slot.worker.on('message', ({ batch, results }: BatchReply<R>) => {
      const pending = slot.batches.get(batch) ?? [];
      slot.batches.delete(batch);
      if (slot.batches.size === 0) slot.worker.unref();
      pending.forEach(({ resolve, reject }, i) => {
        const result = results[i];
        if (result.ok) resolve(result.value);
        else reject(new WorkerJobError(result.message, result.code));
      });
      this.flush();
    });
    slot.worker.on('error', (err) => (crash = err));
    slot.worker.on('exit', (code) => {
      // A worker only dies of a bug; fail what it held (callers report it per job) and replace it.
      const error = crash ?? new Error(`worker exited with code ${code}`);
      for (const pending of slot.batches.values()) for (const { reject } of pending) reject(error);
      if (this.closing) return;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.flush();
    });
    slot.worker.unref(); // an idle worker never keeps a process alive
    return slot;
  }
}

/**
 * Built code runs the compiled worker; from source (ts-node, jest) the worker compiles itself with
 * TypeScript's transpiler. Not with swc, though the rest of the source runs on it: its native addon
 * crashes the process (SIGSEGV) when a worker that loaded it was terminated and another one loads it.
 */
function startWorker(workerModule: string, workerData: unknown): Worker {
  const source = extname(__filename) === '.ts';
  if (!source) return new Worker(`${workerModule}.js`, { workerData });
  const register = `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true });`;
  const paths = `require(${JSON.stringify(require.resolve('tsconfig-paths/register'))});`;
  return new Worker(`${register} ${paths} require(${JSON.stringify(`${workerModule}.ts`)});`, {
    eval: true,
    workerData,
  });
}
