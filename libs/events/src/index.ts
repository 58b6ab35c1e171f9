export { isTrack, MAX_EVENT_BYTES, parseStorefrontEvent } from './parse-storefront-event';
export type {
  AliasEvent,
  IdentifyEvent,
  PageEvent,
  ParseResult,
  StorefrontEvent,
  TrackEvent,
} from './parse-storefront-event';
export { isMarkedUntrusted, markUntrusted, UNTRUSTED_SOURCE } from './event-trust';
export {
  CATALOG_EVENTS,
  envelopeSchema,
  MAX_AMOUNT,
  MAX_QUANTITY,
  MAX_STOCK,
  trackSchemas,
} from './storefront-event.schema';
export { isStorableInstant, MAX_JSON_DEPTH, storableJson } from './storable-json';
export type { KnownTrackEvent, Product, Traits, TrackProperties } from './storefront-event.schema';
export { ANONYMOUS_PREFIX, anonymousCustomerId, customerIdOf, isAnonymousCustomerId } from './customer-identity';
