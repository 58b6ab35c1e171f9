import { parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import { BatchCorrelations } from './batch-correlations';

function event(messageId: string, ids: Record<string, string>): StorefrontEvent {
  const parsed = parseStorefrontEvent(
    JSON.stringify({
      type: 'track',
      event: 'Product Viewed',
      messageId,
      timestamp: '2025-06-01T12:00:00Z',
      properties: { product_id: 'p1' },
      ...ids,
    }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('BatchCorrelations', () => {
  const incoming = [
    { event: event('m1', { userId: 'u1' }), correlationId: 'm1' },
    { event: event('m2', { anonymousId: 'a1' }), correlationId: 'req-7' },
    { event: event('m3', { userId: 'u1' }), correlationId: 'm3' },
    { event: event('m4', { userId: 'u2' }), correlationId: 'm4' },
  ];
  const correlations = new BatchCorrelations(
    incoming,
    new Set(['m1', 'm2', 'm3']), // m4 was seen before
    new Map([['anon:a1', 'u3']]),
  );

  it("names each customer's last new event, following merges", () => {
    expect(correlations.byCustomer).toEqual(
      new Map([
        ['u1', 'm3'],
        ['u3', 'req-7'],
      ]),
    );
  });

  it("gives an event's correlation id by its messageId, the messageId itself when it has none", () => {
    expect(correlations.ofMessage('m2')).toBe('req-7');
    expect(correlations.ofMessage('m1')).toBe('m1');
    expect(correlations.ofMessage('m4')).toBe('m4');
  });
});
