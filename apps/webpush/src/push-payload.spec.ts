import {
  buildPushPayload,
  longestFitting,
  MAX_PUSH_PAYLOAD_BYTES,
  PayloadTooLargeError,
  pushTopic,
} from './push-payload';

const dispatchId = '3b241101-e2bb-4255-8caf-4136c566a962';
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('buildPushPayload', () => {
  it('carries title, body, url, icon and dispatch id', () => {
    const payload = buildPushPayload(
      { title: 'Hi', body: 'Your cart', url: 'https://shop/c', icon: 'https://shop/i.png' },
      dispatchId,
    );
    expect(JSON.parse(payload)).toEqual({
      title: 'Hi',
      body: 'Your cart',
      url: 'https://shop/c',
      icon: 'https://shop/i.png',
      dispatchId,
    });
  });

  it('omits absent url and icon', () => {
    expect(JSON.parse(buildPushPayload({ title: 'Hi', body: 'b' }, dispatchId))).toEqual({
      title: 'Hi',
      body: 'b',
      dispatchId,
    });
  });

  it('shortens a long body to fit, ending with an ellipsis', () => {
    const body = 'word '.repeat(2_000);
    const payload = buildPushPayload({ title: 'Hi', body, url: 'https://shop/c' }, dispatchId);
    expect(bytes(payload)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    expect(bytes(payload)).toBeGreaterThan(MAX_PUSH_PAYLOAD_BYTES - 10);
    const parsed = JSON.parse(payload);
    expect(parsed.body.endsWith('…')).toBe(true);
    expect(body.startsWith(parsed.body.slice(0, -1))).toBe(true);
    expect(parsed).toMatchObject({ title: 'Hi', url: 'https://shop/c', dispatchId });
  });

  it('counts bytes, not characters, and never splits a code point', () => {
    const body = '🛒é"'.repeat(1_000); // 4 + 2 bytes, and a quote JSON escapes
    const payload = buildPushPayload({ title: 'Hi', body }, dispatchId, 500);
    expect(bytes(payload)).toBeLessThanOrEqual(500);
    const { body: shortened } = JSON.parse(payload) as { body: string };
    expect(shortened).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
    expect(body.startsWith(shortened.slice(0, -1))).toBe(true);
  });

  it('shortens the title when the body alone cannot make room', () => {
    const payload = buildPushPayload({ title: 'T'.repeat(1_000), body: 'B'.repeat(1_000) }, dispatchId, 300);
    const parsed = JSON.parse(payload);
    expect(bytes(payload)).toBeLessThanOrEqual(300);
    expect(parsed.body).toBe('');
    expect(parsed.title).toMatch(/^T+…$/);
  });

  const banner = {
    title: 'Hi',
    body: 'Your cart',
    url: 'https://shop/c',
    icon: 'https://shop/i.png',
    image: 'https://shop/banner.jpg',
    actions: [
      { title: 'Open cart', url: 'https://shop/cart' },
      { title: 'See the mug', url: 'https://shop/mug' },
    ],
  };

  it('carries the image, named actions and the tag', () => {
    expect(JSON.parse(buildPushPayload({ ...banner, tag: 'cart-1' }, dispatchId))).toEqual({
      ...banner,
      actions: [
        { action: 'action-1', title: 'Open cart', url: 'https://shop/cart' },
        { action: 'action-2', title: 'See the mug', url: 'https://shop/mug' },
      ],
      tag: 'cart-1',
      dispatchId,
    });
  });

  it('drops the actions, then the image, then the icon before it shortens any text', () => {
    const whole = buildPushPayload(banner, dispatchId);
    const parts = JSON.parse(whole);
    const without = (...names: string[]) =>
      bytes(JSON.stringify(Object.fromEntries(Object.entries(parts).filter(([name]) => !names.includes(name)))));

    const noActions = JSON.parse(buildPushPayload(banner, dispatchId, without('actions')));
    expect(noActions).toEqual({ ...parts, actions: undefined });
    expect(noActions.body).toBe('Your cart');

    const noImage = JSON.parse(buildPushPayload(banner, dispatchId, without('actions', 'image')));
    expect(Object.keys(noImage).sort()).toEqual(['body', 'dispatchId', 'icon', 'title', 'url']);

    const textOnly = JSON.parse(buildPushPayload(banner, dispatchId, without('actions', 'image', 'icon')));
    expect(textOnly).toEqual({ title: 'Hi', body: 'Your cart', url: 'https://shop/c', dispatchId });

    const shortened = buildPushPayload(banner, dispatchId, without('actions', 'image', 'icon') - 3);
    expect(JSON.parse(shortened)).toMatchObject({ title: 'Hi', url: 'https://shop/c', body: 'You…' }); // 3 bytes fewer, and "…" takes 3
    expect(JSON.parse(shortened).icon).toBeUndefined();
  });

  it('keeps a 4 KB budget with the longest image and actions a rule may hold', () => {
    const long = `https://shop/${'p'.repeat(2_000)}`;
    const payload = buildPushPayload(
      {
        title: 'T'.repeat(256),
        body: 'é'.repeat(1_024),
        url: long,
        icon: long,
        image: long,
        actions: [
          { title: 'a'.repeat(64), url: long },
          { title: 'b'.repeat(64), url: long },
        ],
        tag: 't'.repeat(64),
      },
      dispatchId,
    );
    expect(bytes(payload)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    expect(JSON.parse(payload)).toMatchObject({ url: long, tag: 't'.repeat(64), title: 'T'.repeat(256) });
  });

  it('gives up when even an empty title and body do not fit', () => {
    expect(() =>
      buildPushPayload({ title: 'x', body: 'y', url: `https://shop/${'u'.repeat(500)}` }, dispatchId, 300),
    ).toThrow(PayloadTooLargeError);
  });
});

describe('longestFitting', () => {
  it('finds the longest prefix that fits', () => {
    expect(longestFitting('abcdef', (s) => s.length <= 4)).toBe('abc…');
    expect(longestFitting('abcdef', (s) => s.length <= 1)).toBe('');
    expect(longestFitting('abcdef', () => false)).toBeUndefined();
    expect(longestFitting('ab   cdef', (s) => s.length <= 6)).toBe('ab…');
  });
});

describe('pushTopic', () => {
  it('passes a header-safe topic through', () => {
    expect(pushTopic('cart-123_A')).toBe('cart-123_A');
    expect(pushTopic('a'.repeat(32))).toBe('a'.repeat(32));
  });

  it('hashes other topics to 32 URL-safe base64 characters, stably', () => {
    const long = 'abandoned_cart:customer-42:cart-99:step';
    const hashed = pushTopic(long)!;
    expect(hashed).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopic(long)).toBe(hashed);
    expect(pushTopic('rule 1/cart 2')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopic('a'.repeat(33))).not.toBe(pushTopic('a'.repeat(34)));
  });

  it('sends no topic for an empty one', () => {
    expect(pushTopic('')).toBeUndefined();
    expect(pushTopic(undefined)).toBeUndefined();
  });
});
