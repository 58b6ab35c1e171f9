import { createHmac } from 'node:crypto';
import { createUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'test-secret';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('unsubscribe tokens', () => {
  it.each(['email', 'webpush', 'all'] as const)('round-trips a %s claim', (channel) => {
    const token = createUnsubscribeToken({ customerId: 'user-42', channel }, SECRET);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual({ customerId: 'user-42', channel });
  });

  it('round-trips customer ids with unusual characters and is URL-safe', () => {
    const customerId = 'anon:ü/+=?&#.';
    const token = createUnsubscribeToken({ customerId, channel: 'email' }, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual({ customerId, channel: 'email' });
  });

  it('is deterministic for one claim and secret, and differs between customers', () => {
    const a = createUnsubscribeToken({ customerId: 'a', channel: 'email' }, SECRET);
    expect(createUnsubscribeToken({ customerId: 'a', channel: 'email' }, SECRET)).toBe(a);
    expect(createUnsubscribeToken({ customerId: 'b', channel: 'email' }, SECRET)).not.toBe(a);
  });

  it('refuses a token whose body was swapped for another customer', () => {
    const token = createUnsubscribeToken({ customerId: 'victim', channel: 'all' }, SECRET);
    const [, signature] = token.split('.');
    const forged = `${b64({ c: 'someone-else', ch: 'all' })}.${signature}`;
    expect(verifyUnsubscribeToken(forged, SECRET)).toBeNull();
  });

  it('refuses a token whose signature was altered', () => {
    const token = createUnsubscribeToken({ customerId: 'u', channel: 'email' }, SECRET);
    const [body, signature] = token.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(verifyUnsubscribeToken(`${body}.${flipped}`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${body}.${signature.slice(1)}`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${body}.`, SECRET)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const token = createUnsubscribeToken({ customerId: 'u', channel: 'email' }, 'other-secret');
    expect(verifyUnsubscribeToken(token, SECRET)).toBeNull();
  });

  it.each(['', 'nodot', 'a.b.c', '..'])('refuses the malformed token %j', (token) => {
    expect(verifyUnsubscribeToken(token, SECRET)).toBeNull();
  });

  it('refuses a correctly signed body naming an unknown channel', () => {
    const token = createUnsubscribeToken({ customerId: 'u', channel: 'sms' as 'email' }, SECRET);
    expect(verifyUnsubscribeToken(token, SECRET)).toBeNull();
  });

  it('refuses a correctly signed body that is not the expected JSON', () => {
    const signed = (body: string) => `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    expect(verifyUnsubscribeToken(signed(Buffer.from('not json').toString('base64url')), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(signed(b64({ c: 7, ch: 'email' })), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(signed(b64({ c: 'u', ch: 'email' })), SECRET)).toEqual({
      customerId: 'u',
      channel: 'email',
    });
  });
});

describe('unsubscribeUrl', () => {
  it('joins base and token under /u/, whatever trailing slashes the base has', () => {
    expect(unsubscribeUrl('https://shop.example', 'abc.def')).toBe('https://shop.example/u/abc.def');
    expect(unsubscribeUrl('https://shop.example//', 'abc.def')).toBe('https://shop.example/u/abc.def');
    expect(unsubscribeUrl('https://shop.example/beckon/', 't')).toBe('https://shop.example/beckon/u/t');
  });
});
