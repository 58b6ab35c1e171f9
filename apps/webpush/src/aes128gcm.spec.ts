import { createECDH, ECDH, randomBytes } from 'node:crypto';
import { decrypt } from 'http_ece';
import { encryptPushPayload, InvalidSubscriptionKeyError } from './aes128gcm';

/** A browser's side of a subscription: its key pair and auth secret, and what it hands to the server. */
function browser(): { ecdh: ECDH; auth: Buffer; p256dh: string; authKey: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authKey: auth.toString('base64url') };
}

/** http_ece, the reference implementation web-push itself builds on, as the browser would decrypt. */
const open = (body: Buffer, { ecdh, auth }: { ecdh: ECDH; auth: Buffer }): Buffer =>
  decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth });

describe('encryptPushPayload (RFC 8291)', () => {
  const ua = browser();

  it('is decrypted by http_ece to the same payload, text or bytes, short or near the limit', () => {
    const payloads = [
      JSON.stringify({ title: 'Still thinking?', body: '2 items — 25 €, 🛒', dispatchId: 'd-1' }),
      '',
      'x'.repeat(3_900),
    ];
    for (const payload of payloads) {
      expect(open(encryptPushPayload(ua.p256dh, ua.authKey, payload), ua).toString('utf8')).toBe(payload);
    }
    const bytes = randomBytes(1_000);
    expect(open(encryptPushPayload(ua.p256dh, ua.authKey, bytes), ua).equals(bytes)).toBe(true);
  });

  it('writes the aes128gcm header: salt, record size 4096, the 65-byte sender key as key id', () => {
    const payload = 'hello';
    const body = encryptPushPayload(ua.p256dh, ua.authKey, payload);
    expect(body.readUInt32BE(16)).toBe(4096);
    expect(body[20]).toBe(65);
    expect(body[21]).toBe(0x04); // uncompressed P-256 point
    expect(body.length).toBe(16 + 4 + 1 + 65 + payload.length + 1 + 16); // header, payload, delimiter, tag
  });

  it('uses a fresh key pair and salt for every message', () => {
    const first = encryptPushPayload(ua.p256dh, ua.authKey, 'same');
    const second = encryptPushPayload(ua.p256dh, ua.authKey, 'same');
    expect(first.subarray(0, 16).equals(second.subarray(0, 16))).toBe(false); // salt
    expect(first.subarray(21, 86).equals(second.subarray(21, 86))).toBe(false); // ephemeral public key
  });

  it('cannot be read with another subscription’s auth secret or key', () => {
    const body = encryptPushPayload(ua.p256dh, ua.authKey, 'secret');
    expect(() => open(body, { ecdh: ua.ecdh, auth: randomBytes(16) })).toThrow();
    expect(() => open(body, browser())).toThrow();
  });

  it('refuses keys that are not a subscription’s, with an ERR_CRYPTO code (never retried)', () => {
    const refused = (p256dh: string, auth: string) => {
      try {
        encryptPushPayload(p256dh, auth, 'x');
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(refused(ua.p256dh.slice(0, 40), ua.authKey)).toBe('ERR_CRYPTO_INVALID_SUBSCRIPTION_KEY');
    expect(refused(ua.p256dh, randomBytes(8).toString('base64url'))).toBe('ERR_CRYPTO_INVALID_SUBSCRIPTION_KEY');
    const offCurve = Buffer.alloc(65, 7);
    offCurve[0] = 0x04;
    expect(refused(offCurve.toString('base64url'), ua.authKey)).toMatch(/^ERR_CRYPTO/);
    expect(() => encryptPushPayload(ua.p256dh.slice(0, 40), ua.authKey, 'x')).toThrow(InvalidSubscriptionKeyError);
  });

  it('refuses a payload that does not fit one record', () => {
    expect(() => encryptPushPayload(ua.p256dh, ua.authKey, 'x'.repeat(4_096 - 17 + 1))).toThrow(RangeError);
  });
});
