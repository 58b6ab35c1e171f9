import { StorefrontEvent, trackSchemas } from '@beckon/events';

/**
 * What a browser may say about itself (CONTRACT.md §5): browsing, cart and push-subscription events,
 * plus identify, page, alias and custom events. Every other event Beckon knows (orders, refunds,
 * cancellations, complaints, reviews, survey answers, stock, unsubscribes, catalog) moves money or
 * care and needs the shop's server side; a new known event is refused until it is listed here.
 */
const SOURCE_TRACK_EVENTS: ReadonlySet<string> = new Set([
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Back In Stock Requested',
  'Push Subscription Created',
  'Push Subscription Removed',
]);

/** The name of an event a source (write) key may not send, or null when it may. */
export function refusedToSourceKey(event: StorefrontEvent): string | null {
  if (event.type !== 'track') return null;
  if (SOURCE_TRACK_EVENTS.has(event.event) || !Object.hasOwn(trackSchemas, event.event)) return null;
  return event.event;
}
