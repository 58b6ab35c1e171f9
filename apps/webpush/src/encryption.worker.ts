import { serveBatches } from '@beckon/worker-pool';
import { encryptJob } from './encryption-pool';

// Encrypts batches for EncryptionPool (encryption-pool.ts) off the main thread. The bodies are
// allocated outside Node's buffer pool (aes128gcm.ts), so they are moved to the main thread, not copied.
serveBatches(encryptJob);
