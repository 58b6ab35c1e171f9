import { ProjectionFacts } from '@beckon/triggers';
import { TriggerFactsHandler } from '../apps/engine/src/triggers/trigger-facts.handler';
import { startStack, Stack } from './support/stack';
import { catalogTrack, eventually, identify, product, track } from './support/storefront';

/**
 * The facts a batch hands the triggers carry its new events with their owner, so a trigger that
 * reacts to an event as it is needs no change to the projection. Real Kafka, consumer and database.
 */
describe('the facts of a batch', () => {
  let stack: Stack;
  const batches: ProjectionFacts[] = [];

  beforeAll(async () => {
    stack = await startStack('projection_facts');
    const handler = stack.engine.get(TriggerFactsHandler);
    const handle = handler.handle.bind(handler);
    jest.spyOn(handler, 'handle').mockImplementation(async (tx, facts) => {
      batches.push(facts);
      return handle(tx, facts);
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const seen = () => batches.flatMap((facts) => facts.events);

  it('name each new event once, with the customer it belongs to after a merge', async () => {
    const viewed = track({ anonymousId: 'visitor-1' }, 'Product Viewed', product('p1', 10));
    const signedIn = identify({ userId: 'u1' }, { email: 'u1@example.com' });
    const merge = { ...track({ userId: 'u1' }, 'Product Viewed', product('p2', 12)), anonymousId: 'visitor-1' };
    const restock = catalogTrack('Inventory Updated', { product_id: 'p1', quantity: 3 });
    await stack.produce([viewed, signedIn, merge, restock]);
    await eventually(async () => seen().length >= 4, 20000, 'the batch facts');

    const byId = new Map(seen().map((fact) => [fact.event.messageId, fact]));
    expect(byId.get(merge.messageId)).toMatchObject({ customerId: 'u1', event: { event: 'Product Viewed' } });
    expect(byId.get(signedIn.messageId)?.customerId).toBe('u1');
    expect(byId.get(restock.messageId)).toMatchObject({ customerId: null, event: { event: 'Inventory Updated' } });
    expect(byId.get(viewed.messageId)?.event).toMatchObject({ event: 'Product Viewed', anonymousId: 'visitor-1' });

    // A redelivered event is not new: it reaches no trigger twice.
    await stack.produce([viewed, track({ userId: 'u1' }, 'Cart Viewed', { products: [] })]);
    await eventually(async () => seen().some((f) => f.event.type === 'track' && f.event.event === 'Cart Viewed'));
    expect(seen().filter((fact) => fact.event.messageId === viewed.messageId)).toHaveLength(1);
  });
});
