import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { encryptPushPayload } from './aes128gcm';

/** p256dh, auth (base64url) and the payload of one push. */
export type EncryptionJob = [p256dh: string, auth: string, payload: string];
/** The encrypted body, or why there is none. */
export type EncryptionResult = Uint8Array | { message: string; code?: string };
export interface EncryptionReply {
  batch: number;
  results: EncryptionResult[];
}

/** A failed encryption, carrying node:crypto's error code (ERR_CRYPTO_*) across the thread boundary. */
export class EncryptionError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Pending {
  job: EncryptionJob;
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  batches: Map<number, Pending[]>;
}

/** Two, so a worker has the next batch at hand when it finishes one. */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Web-push encryption on worker threads. The ephemeral ECDH of every message (RFC 8291 forbids
 * reusing its key) costs more CPU than the HTTPS request that carries it; on the main thread it held a
 * service to one core. Jobs travel to a worker in batches and come back as one message per batch (the
 * bodies moved, not copied), so the hand-off costs a few microseconds per push. `threads: 0`
 * encrypts on the calling thread.
 */
export class EncryptionPool {
  private readonly slots: Slot[] = [];
  private queue: Pending[] = [];
  private flushScheduled = false;
  private nextBatch = 0;
  private closing = false;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  encrypt(p256dh: string, auth: string, payload: string): Promise<Buffer> {
    if (this.slots.length === 0) {
      try {
        return Promise.resolve(encryptPushPayload(p256dh, auth, payload));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    if (this.closing) return Promise.reject(new Error('encryption pool is closed'));
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ job: [p256dh, auth, payload], resolve, reject });
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

  /**
   * Hands what is queued to the workers that have fewer than two batches in flight, split evenly.
   * A busy worker is not sent more: jobs wait for its reply and then go as one larger batch, so the
   * batches grow with the load (and the per-message cost shrinks) instead of one message per job.
   */
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
      slot.worker.postMessage({ batch, jobs: pending.map((p) => p.job) });
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(), batches: new Map() };
    let crash: Error | undefined;
    slot.worker.on('message', ({ batch, results }: EncryptionReply) => {
      const pending = slot.batches.get(batch) ?? [];
      slot.batches.delete(batch);
      if (slot.batches.size === 0) slot.worker.unref();
      pending.forEach(({ resolve, reject }, i) => {
        const result = results[i];
        if (result instanceof Uint8Array) resolve(Buffer.from(result.buffer, result.byteOffset, result.byteLength));
        else reject(new EncryptionError(result.message, result.code));
      });
      this.flush();
    });
    slot.worker.on('error', (err) => (crash = err));
    slot.worker.on('exit', (code) => {
      // A worker only dies of a bug; fail what it held (the sender reports it per push) and replace it.
      const error = crash ?? new Error(`encryption worker exited with code ${code}`);
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

/** Built code runs the compiled worker; from source (ts-node, jest) the worker compiles itself the same way. */
function startWorker(): Worker {
  const file = join(__dirname, `encryption.worker${extname(__filename)}`);
  if (!file.endsWith('.ts')) return new Worker(file);
  const register = `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, swc: true });`;
  return new Worker(`${register} require(${JSON.stringify(file)});`, { eval: true });
}
