import { StorefrontEvent } from '@beckon/events';
import { ownerOf } from './event-routing';

/**
 * What a batch's dispatches name as their cause. An event's correlation id is the one its producer
 * gave (the API passes its request's), else its messageId; a trigger reacting to what the batch did
 * to a customer names the customer's last new event.
 */
export class BatchCorrelations {
  private readonly byMessage = new Map<string, string>();
  readonly byCustomer = new Map<string, string>();

  constructor(
    incoming: ReadonlyArray<{ event: StorefrontEvent; correlationId: string }>,
    fresh: ReadonlySet<string>,
    aliases: ReadonlyMap<string, string>,
  ) {
    for (const { event, correlationId } of incoming) {
      if (!fresh.has(event.messageId)) continue;
      this.byMessage.set(event.messageId, correlationId);
      const owner = ownerOf(event, aliases);
      if (owner !== null) this.byCustomer.set(owner, correlationId);
    }
  }

  ofMessage(messageId: string): string {
    return this.byMessage.get(messageId) ?? messageId;
  }
}
