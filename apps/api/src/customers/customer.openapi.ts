import { CARE_SIGNALS } from '@beckon/rules';
import { isoDateTime, nullable, ref, SchemaComponents } from '../openapi/json-schema';

const text = nullable({ type: 'string' });

export const CUSTOMER_SCHEMAS: SchemaComponents = {
  CustomerOverview: {
    type: 'object',
    required: [
      'id',
      'requestedId',
      'mergedInto',
      'profile',
      'consent',
      'emailUndeliverable',
      'care',
      'pushSubscriptions',
      'openCarts',
      'pendingDispatches',
      'recentDispatches',
    ],
    properties: {
      id: { type: 'string', description: 'the customer answered for' },
      requestedId: { type: 'string', description: 'the id in the URL' },
      mergedInto: nullable({
        type: 'string',
        description:
          'set when the requested id is an anonymous profile merged into a user; the answer is then about that user',
      }),
      profile: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          email: text,
          first_name: text,
          last_name: text,
          birthday: nullable({ type: 'string', format: 'date' }),
          timezone: text,
          locale: text,
          traits: { type: 'object', additionalProperties: true },
          last_seen_at: nullable(isoDateTime),
          created_at: isoDateTime,
          updated_at: isoDateTime,
        },
      },
      consent: {
        type: 'object',
        required: ['email', 'webpush'],
        properties: { email: { type: 'boolean' }, webpush: { type: 'boolean' } },
        description: 'false once the customer unsubscribed from marketing on that channel',
      },
      emailUndeliverable: nullable({
        type: 'object',
        required: ['since', 'reason'],
        properties: {
          since: isoDateTime,
          reason: { ...text, description: "the SMTP server's answer", example: '550 5.1.1 no such user' },
        },
        description:
          'set after a hard bounce (SMTP 5xx on RCPT TO or DATA): no email goes to profile.email, dispatches ' +
          'are suppressed with reason `undeliverable`, until the customer identifies with another address; ' +
          'null while the address is deliverable',
      }),
      care: nullable({
        type: 'object',
        required: ['until', 'signal'],
        properties: {
          until: { ...isoDateTime, description: 'when the care window ends' },
          signal: {
            type: 'string',
            enum: [...CARE_SIGNALS],
            description: 'the signal whose window ends last',
            example: 'refund',
          },
        },
        description:
          'set while the customer is in care: marketing steps are suppressed with reason `care:<signal>` until ' +
          '`until` (GET /v1/caps `care`); null otherwise',
      }),
      pushSubscriptions: {
        type: 'array',
        description: 'web-push subscriptions; only the push service origin is shown, never the endpoint or keys',
        items: {
          type: 'object',
          properties: {
            origin: { type: 'string', example: 'https://fcm.googleapis.com' },
            createdAt: isoDateTime,
            expiresAt: nullable(isoDateTime),
          },
        },
      },
      openCarts: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            items: { type: 'array', items: { type: 'object', additionalProperties: true } },
            value: { type: 'number' },
            currency: text,
            lastActivityAt: isoDateTime,
          },
        },
      },
      pendingDispatches: {
        type: 'array',
        description: 'scheduled or deferred steps, soonest first',
        items: ref('Dispatch'),
      },
      recentDispatches: { type: 'array', description: 'the 20 most recent dispatches', items: ref('Dispatch') },
    },
  },
};
