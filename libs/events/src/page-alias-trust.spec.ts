import { markUntrusted } from './event-trust';
import { parseStorefrontEvent } from './parse-storefront-event';

const envelope = { messageId: 'm-1', timestamp: '2025-05-01T12:00:00.000Z' };

describe('parseStorefrontEvent: page, alias and the write-key mark', () => {
  it('keeps a page view with its name and properties', () => {
    const result = parseStorefrontEvent(
      JSON.stringify({ ...envelope, type: 'page', anonymousId: 'a-1', name: 'Beans', properties: { url: '/p/1' } }),
    );
    expect(result).toMatchObject({
      ok: true,
      event: { type: 'page', anonymousId: 'a-1', name: 'Beans', properties: { url: '/p/1' } },
    });
  });

  it('refuses a page view without any id', () => {
    expect(parseStorefrontEvent(JSON.stringify({ ...envelope, type: 'page' }))).toEqual({
      ok: false,
      reason: 'userId or anonymousId is required',
    });
  });

  it('takes an alias with both ids and refuses one without previousId', () => {
    expect(
      parseStorefrontEvent(JSON.stringify({ ...envelope, type: 'alias', userId: 'u-1', previousId: 'a-1' })),
    ).toMatchObject({ ok: true, event: { type: 'alias', userId: 'u-1', previousId: 'a-1' } });
    const refused = parseStorefrontEvent(JSON.stringify({ ...envelope, type: 'alias', userId: 'u-1' }));
    expect(refused.ok).toBe(false);
  });

  it('reads the mark the API puts on what a write key sent, and only that mark', () => {
    const identify = { ...envelope, type: 'identify', userId: 'u-1', traits: {}, context: { locale: 'de-DE' } };
    const marked = parseStorefrontEvent(JSON.stringify(markUntrusted(identify)));
    expect(marked).toMatchObject({ ok: true, event: { untrusted: true, locale: 'de-DE' } });
    const plain = parseStorefrontEvent(JSON.stringify(identify));
    expect(plain.ok && plain.event.untrusted).toBe(undefined);
    const forged = parseStorefrontEvent(JSON.stringify({ ...identify, context: { beckon: { source: 'trusted' } } }));
    expect(forged.ok && forged.event.untrusted).toBe(undefined);
  });

  it('overwrites whatever context.beckon the sender put there', () => {
    expect(markUntrusted({ context: { beckon: { source: 'server' }, ip: '1.2.3.4' } })).toEqual({
      context: { beckon: { source: 'untrusted' }, ip: '1.2.3.4' },
    });
  });
});
