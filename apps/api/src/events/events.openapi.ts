import { SchemaComponents } from '../openapi/json-schema';
import { MAX_BATCH } from './event-intake';

/** The `batch` array of POST /v1/events and of Segment's /v1/batch, which differ only in size. */
export const eventBatchOf = (maxItems: number) => ({
  type: 'array',
  minItems: 1,
  maxItems,
  items: { $ref: '#/components/schemas/StorefrontEvent' },
});

export const EVENT_SCHEMAS: SchemaComponents = {
  StorefrontEvent: {
    type: 'object',
    description:
      'A Segment-style track, identify, page or alias event (CONTRACT.md §1, §5). Key: userId, else anonymousId; catalog events (Inventory Updated) by product_id. At most 1 MB. Sent with a source (write) key, only identify, page, alias, browsing, cart, push-subscription and custom events are taken.',
    required: ['type', 'messageId', 'timestamp'],
    properties: {
      type: { type: 'string', enum: ['track', 'identify', 'page', 'alias'] },
      messageId: { type: 'string', description: 'unique per event; duplicates are dropped' },
      timestamp: { type: 'string', format: 'date-time' },
      userId: { type: 'string', nullable: true },
      anonymousId: { type: 'string', nullable: true },
      event: { type: 'string', description: 'track only, e.g. Product Added' },
      properties: { type: 'object', additionalProperties: true },
      traits: { type: 'object', additionalProperties: true },
      name: { type: 'string', description: 'page only: the page’s name' },
      previousId: { type: 'string', description: 'alias only: the anonymousId merged into userId' },
      context: {
        type: 'object',
        properties: {
          timezone: { type: 'string' },
          locale: { type: 'string' },
          ip: { type: 'string' },
          userAgent: { type: 'string' },
        },
      },
    },
    additionalProperties: true,
  },
  EventBatch: {
    type: 'object',
    required: ['batch'],
    properties: { batch: eventBatchOf(MAX_BATCH) },
  },
  EventsAccepted: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer', example: 2 } } },
};

export const PRODUCT_ADDED_EXAMPLE = {
  type: 'track',
  event: 'Product Added',
  messageId: 'msg-0001',
  timestamp: '2025-01-31T12:00:00Z',
  userId: 'user-42',
  properties: { cart_id: 'cart-7', product_id: 'sku-1', name: 'Espresso beans', price: 12.5, quantity: 2 },
};
