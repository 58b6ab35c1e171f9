import { join } from 'node:path';
import { WorkerPool } from '@beckon/worker-pool';
import { encryptPushPayload } from './aes128gcm';

/** p256dh, auth (base64url) and the payload of one push. */
export type EncryptionJob = [p256dh: string, auth: string, payload: string];

export const encryptJob = ([p256dh, auth, payload]: EncryptionJob): Uint8Array =>
  encryptPushPayload(p256dh, auth, payload);

/**
 * Web-push encryption on worker threads. The ephemeral ECDH of every message (RFC 8291 forbids
 * reusing its key) costs more CPU than the request that carries it; on the main thread it held a
 * service to one core. `threads: 0` encrypts on the calling thread. A failure keeps node:crypto's
 * code (ERR_CRYPTO_*), which the sender reads as "this subscription's key is unusable".
 */
export class EncryptionPool {
  private readonly pool: WorkerPool<EncryptionJob, Uint8Array>;

  constructor(threads: number) {
    this.pool = new WorkerPool({ threads, workerModule: join(__dirname, 'encryption.worker'), inline: encryptJob });
  }

  async encrypt(p256dh: string, auth: string, payload: string): Promise<Buffer> {
    const body = await this.pool.run([p256dh, auth, payload]);
    return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
