import { base64UrlToBytes, madeWithKey, segmentMessage, subscriptionProperties, uuid } from './public/beckon';
import { clickTarget, notificationOptions } from './public/sw';

const KEY = 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U';

describe('beckon.js', () => {
  const identity = { messageId: 'm-1', anonymousId: 'anon-1', userAgent: 'UA', locale: 'de-DE' };
  const page = { url: 'https://shop.example/p/mug', path: '/p/mug' };
  const now = new Date('2026-12-04T10:00:00.000Z');

  it('builds Segment messages with ids, time and context', () => {
    expect(segmentMessage('track', { event: 'Product Viewed', properties: { sku: 'M' } }, identity, page, now)).toEqual(
      {
        type: 'track',
        messageId: 'm-1',
        timestamp: '2026-12-04T10:00:00.000Z',
        anonymousId: 'anon-1',
        event: 'Product Viewed',
        properties: { sku: 'M' },
        context: { library: { name: 'beckon.js', version: '1.0.0' }, page, userAgent: 'UA', locale: 'de-DE' },
      },
    );
  });

  it('adds the userId once the visitor was identified, keeping the anonymousId', () => {
    const message = segmentMessage('identify', { traits: {} }, { ...identity, userId: 'c-7' }, page, now);
    expect(message).toMatchObject({ userId: 'c-7', anonymousId: 'anon-1' });
    expect('userId' in segmentMessage('page', {}, { ...identity, userId: null }, page, now)).toBe(false);
  });

  it('decodes the VAPID key and tells a subscription made with it from one made with another', () => {
    const bytes = base64UrlToBytes(KEY);
    expect(bytes).toHaveLength(65);
    expect(bytes[0]).toBe(4); // an uncompressed P-256 point
    expect(madeWithKey({ options: { applicationServerKey: bytes.buffer } }, KEY)).toBe(true);
    const other = Uint8Array.from(bytes);
    other[64] ^= 1;
    expect(madeWithKey({ options: { applicationServerKey: other.buffer } }, KEY)).toBe(false);
    expect(madeWithKey({ options: { applicationServerKey: null } }, KEY)).toBe(false);
    expect(madeWithKey(null, KEY)).toBe(false);
  });

  it('sends the subscription as Push Subscription Created expects it', () => {
    const json = { endpoint: 'https://push.example/1', expirationTime: null, keys: { p256dh: 'p', auth: 'a' } };
    expect(subscriptionProperties(json)).toEqual({
      endpoint: 'https://push.example/1',
      keys: { p256dh: 'p', auth: 'a' },
      expiration_time: null,
    });
  });

  it('makes v4 UUIDs', () => {
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('sw.js', () => {
  const payload = {
    title: 'Still thinking?',
    body: '2 items',
    url: 'https://beckon.example/c/main',
    icon: 'https://shop.example/icon.png',
    image: 'https://shop.example/mug.jpg',
    actions: [
      { action: 'action-1', title: 'Open cart', url: 'https://beckon.example/c/cart' },
      { action: 'action-2', title: 'See the mug', url: 'https://beckon.example/c/mug' },
    ],
    tag: 'rule-1',
    dispatchId: 'd-1',
  };

  it('shows every part of the payload, keeping the links for the click', () => {
    expect(notificationOptions(payload)).toEqual({
      body: '2 items',
      icon: 'https://shop.example/icon.png',
      image: 'https://shop.example/mug.jpg',
      tag: 'rule-1',
      renotify: true,
      actions: [
        { action: 'action-1', title: 'Open cart' },
        { action: 'action-2', title: 'See the mug' },
      ],
      data: {
        url: 'https://beckon.example/c/main',
        dispatchId: 'd-1',
        actions: { 'action-1': 'https://beckon.example/c/cart', 'action-2': 'https://beckon.example/c/mug' },
      },
    });
  });

  it('leaves out what the payload does not have', () => {
    expect(notificationOptions({ title: 't', dispatchId: 'd' })).toEqual({
      body: '',
      actions: [],
      data: { url: undefined, actions: {}, dispatchId: 'd' },
    });
  });

  it("opens the clicked action's own link, else the message's", () => {
    const data = notificationOptions(payload).data;
    expect(clickTarget(data, 'action-2')).toBe('https://beckon.example/c/mug');
    expect(clickTarget(data, '')).toBe('https://beckon.example/c/main');
    expect(clickTarget(data, 'unknown')).toBe('https://beckon.example/c/main');
    expect(clickTarget({ actions: {} }, '')).toBeUndefined();
    expect(clickTarget(undefined, '')).toBeUndefined();
  });
});
