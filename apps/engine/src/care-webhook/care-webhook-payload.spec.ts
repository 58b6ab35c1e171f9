import { createHmac, timingSafeEqual } from 'node:crypto';
import { careWebhookPayload, careWebhookSignature, CareSignalRow } from './care-webhook-payload';

const row: CareSignalRow = {
  id: 'sig-1',
  customer_id: 'c-1',
  signal: 'detractor',
  at: new Date('2026-12-01T10:00:00.000Z'),
  order_id: 'o-1',
  score: 3,
  rating: null,
};

describe('care webhook payload', () => {
  it('names the signal in the contract fields, with the score of a detractor', () => {
    expect(careWebhookPayload(row)).toEqual({
      id: 'sig-1',
      customerId: 'c-1',
      signal: 'detractor',
      at: '2026-12-01T10:00:00.000Z',
      orderId: 'o-1',
      score: 3,
    });
  });

  it('carries the rating of a low review, and no order when there is none', () => {
    const payload = careWebhookPayload({ ...row, signal: 'low_review', order_id: null, score: null, rating: 1 });
    expect(payload).toEqual({
      id: 'sig-1',
      customerId: 'c-1',
      signal: 'low_review',
      at: '2026-12-01T10:00:00.000Z',
      orderId: null,
      rating: 1,
    });
  });

  it('carries neither score nor rating for a refund', () => {
    const payload = careWebhookPayload({ ...row, signal: 'refund', score: null });
    expect(Object.keys(payload)).toEqual(['id', 'customerId', 'signal', 'at', 'orderId']);
  });
});

describe('care webhook signature', () => {
  const secret = 'a-secret-of-24-characters';

  it('is the hex HMAC-SHA256 of the exact body, as a receiver recomputes it', () => {
    const body = JSON.stringify(careWebhookPayload(row));
    const header = careWebhookSignature(body, secret);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(timingSafeEqual(Buffer.from(header), expected)).toBe(true);
  });

  it('changes with any byte of the body and with the secret', () => {
    const body = JSON.stringify(careWebhookPayload(row));
    const signature = careWebhookSignature(body, secret);
    expect(careWebhookSignature(body.replace('"score":3', '"score":9'), secret)).not.toBe(signature);
    expect(careWebhookSignature(body, `${secret}x`)).not.toBe(signature);
  });

  it('signs text beyond ASCII as its UTF-8 bytes', () => {
    const body = JSON.stringify({ customerId: 'zoë' });
    expect(careWebhookSignature(body, secret)).toBe(
      `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`,
    );
  });
});
