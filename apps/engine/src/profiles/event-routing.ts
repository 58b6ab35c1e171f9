import { anonymousCustomerId, customerIdOf, StorefrontEvent } from '@beckon/events';

/** The cart an event belongs to; shops that send no cart_id get one cart per customer. */
export function cartIdOf(customerId: string, cartId: string | undefined): string {
  return cartId ?? `${customerId}:default`;
}

/** Anonymous profiles merged by an identify carrying both ids, or by an alias (previousId is the anonymousId). */
export function mergesIn(events: readonly StorefrontEvent[]): Map<string, string> {
  const merges = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'identify' && event.userId !== null && event.anonymousId !== null) {
      merges.set(anonymousCustomerId(event.anonymousId), event.userId);
    } else if (event.type === 'alias') {
      merges.set(anonymousCustomerId(event.previousId), event.userId);
    }
  }
  return merges;
}

/** Resolves an event to the profile that owns it, following anonymous → user merges. */
export function ownerOf(event: StorefrontEvent, aliases: ReadonlyMap<string, string>): string | null {
  const id = customerIdOf(event);
  if (id === null) return null;
  return aliases.get(id) ?? id;
}
