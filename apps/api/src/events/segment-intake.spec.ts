import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { prepareEvents, prepareReceivedEvents } from './event-intake';
import { SEGMENT_EVENT_BYTES, segmentEvents } from './segment-intake';

const receivedAt = new Date('2025-05-01T12:00:00.000Z');
const valueOf = (text: string) => JSON.parse(text) as Record<string, any>;

describe('segmentEvents', () => {
  it('gives a single call the type of its path and fills messageId and timestamp', () => {
    const { events } = segmentEvents(
      'track',
      { anonymousId: 'a', event: 'Product Viewed', writeKey: 'k', properties: { sku: 's' } },
      receivedAt,
    );
    expect(events).toEqual([
      {
        type: 'track',
        anonymousId: 'a',
        event: 'Product Viewed',
        properties: { sku: 's' },
        messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        timestamp: '2025-05-01T12:00:00.000Z',
      },
    ]);
  });

  it('keeps what the sender set, and the type of each batched call', () => {
    const { events } = segmentEvents(
      'batch',
      { batch: [{ type: 'page', messageId: 'm-1', timestamp: '2024-01-01T00:00:00Z', anonymousId: 'a' }], sentAt: 'x' },
      receivedAt,
    );
    expect(events).toEqual([{ type: 'page', messageId: 'm-1', timestamp: '2024-01-01T00:00:00Z', anonymousId: 'a' }]);
  });

  it('refuses an event over 32 KB, naming it', () => {
    const big = {
      type: 'track',
      anonymousId: 'a',
      event: 'Big',
      properties: { blob: 'x'.repeat(SEGMENT_EVENT_BYTES) },
    };
    expect(() => segmentEvents('batch', { batch: [{ type: 'page', anonymousId: 'a' }, big] }, receivedAt)).toThrow(
      new BadRequestException(
        `batch.1 is ${JSON.stringify(big).length} bytes, over the 32768-byte limit of one event; nothing was taken`,
      ),
    );
  });

  it('refuses a batch that is no batch', () => {
    expect(() => segmentEvents('batch', { type: 'track' }, receivedAt)).toThrow(BadRequestException);
    expect(() => segmentEvents('identify', [1], receivedAt)).toThrow(BadRequestException);
  });
});

describe('events sent with a source (write) key', () => {
  const order = {
    type: 'track',
    messageId: 'o',
    timestamp: '2025-05-01T12:00:00Z',
    userId: 'u',
    event: 'Order Completed',
    properties: { order_id: '1' },
  };
  const view = {
    type: 'track',
    messageId: 'v',
    timestamp: '2025-05-01T12:00:00Z',
    userId: 'u',
    event: 'Product Viewed',
    properties: { sku: 's' },
  };

  it('refuses the whole batch when one event is for the shop’s server only, naming it', () => {
    expect(() => prepareEvents({ batch: [view, order] }, { untrusted: true })).toThrow(
      new ForbiddenException(
        'a source (write) key may not send Order Completed (batch.1): send it with a marketer key or over Kafka; nothing was taken',
      ),
    );
    expect(prepareEvents({ batch: [view, order] }, { untrusted: false })).toHaveLength(2);
  });

  it.each(['Order Refunded', 'Order Cancelled', 'Complaint Filed', 'Unsubscribed', 'Inventory Updated'])(
    'refuses %s',
    (event) => {
      const properties = { order_id: '1', sku: 's', quantity: 1 };
      expect(() => prepareEvents({ ...view, event, properties }, { untrusted: true })).toThrow(ForbiddenException);
    },
  );

  it('takes browsing, custom, page and alias events, marked untrusted on the topic', () => {
    const custom = { ...view, messageId: 'c', event: 'Wishlist Opened', properties: {} };
    const alias = { type: 'alias', messageId: 'al', timestamp: view.timestamp, userId: 'u', previousId: 'a' };
    const taken = prepareReceivedEvents({ events: [view, custom, alias], field: String }, { untrusted: true });
    expect(taken.map(({ value }) => valueOf(value).context)).toEqual(
      Array(3).fill({ beckon: { source: 'untrusted' } }),
    );
  });
});
