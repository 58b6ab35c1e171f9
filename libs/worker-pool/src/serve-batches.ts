import { parentPort, workerData } from 'node:worker_threads';
import type { BatchReply, BatchRequest, JobResult } from './worker-pool';

/**
 * The worker side of WorkerPool: answers each batch with one message. A byte array (e.g. a Buffer)
 * that owns its whole memory is moved to the calling thread rather than copied; one that is a view of
 * Node's shared pool is copied, as moving it would take the rest of the pool along.
 */
export function serveBatches<J, R>(work: (job: J, data: unknown) => R | Promise<R>): void {
  if (!parentPort) throw new Error('serveBatches runs in a worker thread');
  const port = parentPort;
  port.on('message', ({ batch, jobs }: BatchRequest<J>) => {
    void (async () => {
      // One job at a time: the work is CPU-bound, and interleaving a batch's jobs only holds more
      // of them in memory at once (a third slower for nodemailer's streams).
      const results: JobResult<R>[] = [];
      for (const job of jobs) results.push(await settle(() => work(job, workerData)));
      const transfer: ArrayBuffer[] = [];
      for (const result of results) if (result.ok) collectOwnedBuffers(result.value, transfer);
      port.postMessage({ batch, results } satisfies BatchReply<R>, transfer);
    })();
  });
}

async function settle<R>(work: () => R | Promise<R>): Promise<JobResult<R>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const error = err as Error & { code?: unknown };
    return {
      ok: false,
      message: error.message ?? String(err),
      code: typeof error.code === 'string' ? error.code : undefined,
    };
  }
}

/** Byte arrays at the top level of a result or one level into it (`{ raw: Buffer, ... }`). */
function collectOwnedBuffers(value: unknown, transfer: ArrayBuffer[]): void {
  const candidates =
    value instanceof Uint8Array ? [value] : value && typeof value === 'object' ? Object.values(value) : [];
  for (const candidate of candidates) {
    if (
      candidate instanceof Uint8Array &&
      candidate.byteOffset === 0 &&
      candidate.byteLength === candidate.buffer.byteLength &&
      candidate.buffer instanceof ArrayBuffer &&
      !transfer.includes(candidate.buffer)
    ) {
      transfer.push(candidate.buffer);
    }
  }
}
