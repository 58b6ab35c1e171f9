import { parentPort } from 'node:worker_threads';
import { encryptPushPayload } from './aes128gcm';
import type { EncryptionJob, EncryptionReply, EncryptionResult } from './encryption-pool';

// Encrypts batches for EncryptionPool (encryption-pool.ts) off the main thread.
parentPort!.on('message', ({ batch, jobs }: { batch: number; jobs: EncryptionJob[] }) => {
  const transfer: ArrayBuffer[] = [];
  const results = jobs.map(([p256dh, auth, payload]): EncryptionResult => {
    try {
      const body = encryptPushPayload(p256dh, auth, payload);
      transfer.push(body.buffer as ArrayBuffer); // an unpooled buffer of its own: moved, not copied
      return body;
    } catch (err) {
      const error = err as Error & { code?: unknown };
      return { message: error.message, code: typeof error.code === 'string' ? error.code : undefined };
    }
  });
  parentPort!.postMessage({ batch, results } satisfies EncryptionReply, transfer);
});
