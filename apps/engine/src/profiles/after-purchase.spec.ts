import { parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import { answersIn, deliveriesIn } from './after-purchase.repository';

const DISPATCH = '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11';
let n = 0;
function track(event: string, properties: Record<string, unknown>, at: string): StorefrontEvent {
  const parsed = parseStorefrontEvent(
    JSON.stringify({ type: 'track', messageId: `m${n++}`, timestamp: at, userId: 'u', event, properties }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}
const owned = (event: StorefrontEvent) => ({ event, customerId: 'u' });

describe('what a batch says after a purchase', () => {
  it('keeps each order’s first reported delivery', () => {
    const events = [
      track('Order Delivered', { order_id: 'o1' }, '2026-12-02T10:00:00Z'),
      track('Order Delivered', { order_id: 'o1' }, '2026-12-01T10:00:00Z'),
      track('Order Delivered', { order_id: 'o2' }, '2026-12-03T10:00:00Z'),
      track('Order Refunded', { order_id: 'o3' }, '2026-12-03T10:00:00Z'),
    ].map(owned);
    expect(deliveriesIn(events).map((d) => [d.orderId, d.deliveredAt.toISOString()])).toEqual([
      ['o1', '2026-12-01T10:00:00.000Z'],
      ['o2', '2026-12-03T10:00:00.000Z'],
    ]);
  });

  it('keeps one answer per survey message, the latest, and every answer without a message', () => {
    const events = [
      track('Survey Answered', { score: 3, order_id: 'o1', dispatch_id: DISPATCH }, '2026-12-01T10:00:02Z'),
      track('Survey Answered', { score: 10, order_id: 'o1', dispatch_id: DISPATCH }, '2026-12-01T10:00:01Z'),
      track('Survey Answered', { score: 8, order_id: 'o1', dispatch_id: DISPATCH }, '2026-12-01T10:00:02Z'),
      track('Survey Answered', { score: 5 }, '2026-12-01T10:00:00Z'),
      track('Survey Answered', { score: 6 }, '2026-12-01T10:00:00Z'),
    ].map(owned);
    expect(answersIn(events).map((a) => [a.dispatchId, a.score])).toEqual([
      [DISPATCH, 8],
      [null, 5],
      [null, 6],
    ]);
  });

  it('leaves out events nobody owns', () => {
    const event = track('Survey Answered', { score: 5 }, '2026-12-01T10:00:00Z');
    expect(answersIn([{ event, customerId: null }])).toEqual([]);
  });
});
