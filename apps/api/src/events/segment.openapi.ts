import type { SegmentCall } from '../common/intake-paths';
import { SchemaComponents } from '../openapi/json-schema';
import { eventBatchOf } from './events.openapi';
import { SEGMENT_MAX_BATCH } from './segment-intake';

export const SEGMENT_SCHEMAS: SchemaComponents = {
  SegmentBatch: {
    type: 'object',
    required: ['batch'],
    properties: {
      batch: eventBatchOf(SEGMENT_MAX_BATCH),
      writeKey: { type: 'string', description: 'the key, when sent neither as X-API-Key nor as HTTP Basic' },
      sentAt: { type: 'string', format: 'date-time', description: 'the sender’s clock; ignored' },
    },
  },
  SegmentSuccess: {
    type: 'object',
    required: ['success'],
    properties: { success: { type: 'boolean', enum: [true] } },
  },
};

const identifyCall = {
  userId: 'user-42',
  anonymousId: 'browser-7f3a',
  traits: { email: 'ada@example.com', first_name: 'Ada' },
};
const trackCall = {
  anonymousId: 'browser-7f3a',
  event: 'Product Added',
  properties: { product_id: 'sku-1', name: 'Espresso beans', price: 12.5, quantity: 1 },
};
const pageCall = {
  anonymousId: 'browser-7f3a',
  name: 'Espresso beans',
  properties: { url: 'https://shop.example.com/p/sku-1' },
};
const aliasCall = { previousId: 'browser-7f3a', userId: 'user-42' };

const one = (value: unknown) => ({ call: { summary: 'One call (messageId and timestamp filled in)', value } });

export const SEGMENT_CALL_EXAMPLES: Record<SegmentCall, Record<string, { summary: string; value: unknown }>> = {
  batch: {
    batch: {
      summary: 'What @segment/analytics-node sends',
      value: {
        batch: [
          { type: 'identify', messageId: 'node-1', timestamp: '2025-01-31T12:00:00.000Z', ...identifyCall },
          { type: 'track', messageId: 'node-2', timestamp: '2025-01-31T12:00:01.000Z', ...trackCall },
        ],
        sentAt: '2025-01-31T12:00:02.000Z',
      },
    },
  },
  track: one(trackCall),
  identify: one(identifyCall),
  page: one(pageCall),
  alias: one(aliasCall),
};
