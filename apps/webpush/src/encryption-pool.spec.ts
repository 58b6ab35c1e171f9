import { createECDH, randomBytes } from 'node:crypto';
import { decrypt } from 'http_ece';
import { EncryptionPool } from './encryption-pool';

const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const auth = randomBytes(16);
const p256dh = ecdh.getPublicKey().toString('base64url');
const authKey = auth.toString('base64url');
const open = (body: Buffer) => decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString();

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: { code?: string }) => err.code,
  );

describe.each([0, 1, 2])('EncryptionPool with %i worker thread(s)', (threads) => {
  let pool: EncryptionPool;
  beforeAll(() => {
    pool = new EncryptionPool(threads);
  });
  afterAll(() => pool.close());

  it('gives every job its own body, in batches of any size', async () => {
    const first = await pool.encrypt(p256dh, authKey, 'one alone');
    expect(open(first)).toBe('one alone');
    const payloads = Array.from({ length: 300 }, (_, i) => `payload ${i}`);
    const bodies = await Promise.all(payloads.map((payload) => pool.encrypt(p256dh, authKey, payload)));
    expect(bodies.map(open)).toEqual(payloads);
  });

  it('fails only the job with a bad key, with its ERR_CRYPTO code', async () => {
    const offCurve = Buffer.alloc(65, 7);
    offCurve[0] = 0x04;
    const [good, bad] = await Promise.all([
      pool.encrypt(p256dh, authKey, 'fine'),
      codeOf(pool.encrypt(offCurve.toString('base64url'), authKey, 'lost')),
    ]);
    expect(open(good)).toBe('fine');
    expect(bad).toMatch(/^ERR_CRYPTO/);
  });
});
