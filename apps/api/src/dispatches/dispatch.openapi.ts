import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS } from '@beckon/rules';
import { isoDateTime, nullable, ref, SchemaComponents } from '../openapi/json-schema';

const channel = nullable({
  type: 'string',
  enum: [...CHANNELS],
  description: 'the channel chosen when the step fired; null while scheduled or when no channel could be used',
});
const reason = nullable({
  type: 'string',
  description:
    'short machine-readable cause: capped:email:16h (capped:<cap channel>:<window>), quiet_hours, unsubscribed, no_address, smtp:550, push:410, ...',
});

export const DISPATCH_SCHEMAS: SchemaComponents = {
  Dispatch: {
    type: 'object',
    required: [
      'id',
      'ruleId',
      'customerId',
      'channel',
      'step',
      'status',
      'reason',
      'createdAt',
      'updatedAt',
      'dueAt',
      'sentAt',
      'correlationId',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      ruleId: { type: 'string', format: 'uuid' },
      customerId: { type: 'string' },
      channel,
      step: { type: 'integer', minimum: 1, description: '1-based step of the rule (step 1 is rule.steps[0])' },
      status: { type: 'string', enum: [...DISPATCH_STATUSES] },
      reason,
      createdAt: isoDateTime,
      updatedAt: isoDateTime,
      dueAt: nullable({ ...isoDateTime, description: 'when a scheduled or deferred step will fire' }),
      sentAt: nullable(isoDateTime),
      correlationId: nullable({
        type: 'string',
        description:
          "what started the sequence: the storefront event (its X-Correlation-Id header if the producer set one, else its messageId; for POST /v1/events the request's X-Correlation-Id), `scan:<ruleId>:<time>` for time-based moments, `restock:<productId>:<time>` for a restock fan-out; the engine and delivery services log it with every line about the dispatch",
      }),
    },
  },
  DispatchPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: ref('Dispatch') },
      nextCursor: nullable({
        type: 'string',
        description: 'pass as `cursor` for the next page; null on the last page',
      }),
    },
  },
  DispatchStats: {
    type: 'object',
    required: ['since', 'until', 'rows'],
    properties: {
      since: isoDateTime,
      until: isoDateTime,
      rows: {
        type: 'array',
        items: {
          type: 'object',
          required: ['ruleId', 'channel', 'status', 'reason', 'count'],
          properties: {
            ruleId: { type: 'string', format: 'uuid' },
            channel,
            status: { type: 'string', enum: [...DISPATCH_STATUSES] },
            reason,
            count: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
  },
};
