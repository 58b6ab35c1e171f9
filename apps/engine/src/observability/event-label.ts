import { StorefrontEvent, trackSchemas } from '@beckon/events';

/**
 * The `event` label of an event: its track name when Beckon knows it, `identify`, `page`, `alias`, or `other`, so a
 * storefront inventing event names cannot grow the label set.
 */
export function eventLabel(event: StorefrontEvent): string {
  if (event.type !== 'track') return event.type;
  return Object.hasOwn(trackSchemas, event.event) ? event.event : 'other';
}
