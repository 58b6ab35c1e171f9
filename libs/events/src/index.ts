export { isTrack, MAX_EVENT_BYTES, parseStorefrontEvent } from './parse-storefront-event';
export type { IdentifyEvent, ParseResult, StorefrontEvent, TrackEvent } from './parse-storefront-event';
export { CATALOG_EVENTS, envelopeSchema, trackSchemas } from './storefront-event.schema';
export type { KnownTrackEvent, Product, Traits, TrackProperties } from './storefront-event.schema';
export { ANONYMOUS_PREFIX, anonymousCustomerId, customerIdOf, isAnonymousCustomerId } from './customer-identity';
