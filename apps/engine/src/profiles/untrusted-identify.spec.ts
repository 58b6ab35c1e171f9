import { markUntrusted, parseStorefrontEvent, StorefrontEvent } from '@beckon/events';
import { mergesIn } from './event-routing';
import { planProjection } from './projection-plan';

let sequence = 0;
function event(raw: Record<string, unknown>, untrusted = false): StorefrontEvent {
  const json = { messageId: `m-${++sequence}`, timestamp: '2025-06-01T10:00:00.000Z', ...raw };
  const result = parseStorefrontEvent(JSON.stringify(untrusted ? markUntrusted(json) : json));
  if (!result.ok) throw new Error(`fixture refused: ${result.reason}`);
  return result.event;
}
const identify = (traits: Record<string, unknown>, untrusted: boolean) =>
  event({ type: 'identify', userId: 'u1', anonymousId: 'a1', traits }, untrusted);

describe('planProjection: identifies sent with a write key', () => {
  it('marks traits that came only from a write key, to be stored only on an empty profile', () => {
    const [customer] = planProjection([identify({ email: 'x@example.com' }, true)], new Map()).customers;
    expect(customer).toMatchObject({ id: 'u1', traits: { email: 'x@example.com' }, traitsUntrusted: true });
  });

  it('lets a trusted identify of the same batch win, in either order', () => {
    for (const events of [
      [identify({ email: 'evil@example.com' }, true), identify({ email: 'ada@example.com' }, false)],
      [identify({ email: 'ada@example.com' }, false), identify({ email: 'evil@example.com' }, true)],
    ]) {
      const [customer] = planProjection(events, new Map()).customers;
      expect(customer.traits).toEqual({ email: 'ada@example.com' });
      expect(customer.traitsUntrusted).toBeUndefined();
    }
  });

  it('still links the browser to the user', () => {
    expect(mergesIn([identify({}, true)])).toEqual(new Map([['anon:a1', 'u1']]));
  });

  it('merges an alias like an identify carrying both ids, and a page view only counts as activity', () => {
    const alias = event({ type: 'alias', userId: 'u1', previousId: 'a9' });
    expect(mergesIn([alias])).toEqual(new Map([['anon:a9', 'u1']]));
    const page = event({ type: 'page', anonymousId: 'a9', name: 'Home' });
    const plan = planProjection([page], new Map([['anon:a9', 'u1']]));
    expect(plan.customers).toEqual([expect.objectContaining({ id: 'u1', traits: {}, lastSeenAt: page.timestamp })]);
    expect(plan.cartChanges.size).toBe(0);
  });
});
