/** Anonymous visitors get their own customer id so their cart and subscriptions have an owner until they identify. */
export const ANONYMOUS_PREFIX = 'anon:';

export function anonymousCustomerId(anonymousId: string): string {
  return `${ANONYMOUS_PREFIX}${anonymousId}`;
}

export function customerIdOf(event: { userId: string | null; anonymousId: string | null }): string | null {
  if (event.userId !== null) return event.userId;
  if (event.anonymousId !== null) return anonymousCustomerId(event.anonymousId);
  return null;
}

export function isAnonymousCustomerId(customerId: string): boolean {
  return customerId.startsWith(ANONYMOUS_PREFIX);
}
