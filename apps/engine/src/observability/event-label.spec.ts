import { parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import { eventLabel } from './event-label';

function event(body: Record<string, unknown>): StorefrontEvent {
  const parsed = parseStorefrontEvent(
    JSON.stringify({ messageId: 'm1', timestamp: '2025-06-01T12:00:00Z', userId: 'u1', ...body }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('eventLabel', () => {
  it('names known track events and identify, and folds unknown track names into other', () => {
    expect(eventLabel(event({ type: 'identify', traits: {} }))).toBe('identify');
    expect(eventLabel(event({ type: 'track', event: 'Order Completed', properties: { order_id: 'o1' } }))).toBe(
      'Order Completed',
    );
    expect(eventLabel(event({ type: 'track', event: 'Wishlist Shared', properties: {} }))).toBe('other');
    expect(eventLabel(event({ type: 'track', event: 'constructor', properties: {} }))).toBe('other');
  });
});
