import { createECDH, randomBytes } from 'node:crypto';
import { parseWebPushDispatch } from './webpush-dispatch.schema';

const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
const valid = {
  dispatchId: '3b241101-e2bb-4255-8caf-4136c566a962',
  ruleId: 'r',
  customerId: 'c',
  step: 1,
  correlationId: 'x',
  createdAt: '2025-11-23T08:00:00+01:00',
  channel: 'webpush',
  subscriptions: [{ endpoint: 'https://push.example.net/p/1', keys }],
  notification: { title: 'Hi', body: 'Your cart', url: 'https://shop.example.com/cart' },
  ttlSeconds: 3600,
  urgency: 'normal',
  topic: 'cart-1',
};
const parse = (value: object) => parseWebPushDispatch(Buffer.from(JSON.stringify(value)));

describe('parseWebPushDispatch', () => {
  it('accepts a valid dispatch', () => {
    expect(parse(valid)).toMatchObject({ ok: true, message: valid });
  });

  it('rejects what web-push could not send', () => {
    const cases: Array<[object, RegExp]> = [
      [{ ...valid, subscriptions: [] }, /^subscriptions:/],
      [{ ...valid, subscriptions: [{ endpoint: 'http://push.example.net/p', keys }] }, /subscriptions\.0\.endpoint/],
      [
        { ...valid, subscriptions: [{ endpoint: valid.subscriptions[0].endpoint, keys: { ...keys, p256dh: 'abc' } }] },
        /p256dh/,
      ],
      [
        { ...valid, subscriptions: [{ endpoint: valid.subscriptions[0].endpoint, keys: { ...keys, auth: 'a+b/' } }] },
        /auth/,
      ],
      [{ ...valid, urgency: 'urgent' }, /^urgency:/],
      [{ ...valid, ttlSeconds: -1 }, /^ttlSeconds:/],
      [{ ...valid, notification: { body: 'x' } }, /notification\.title/],
    ];
    for (const [message, detail] of cases)
      expect(parse(message)).toMatchObject({ ok: false, detail: expect.stringMatching(detail) });
  });
});
