import { SchemaComponents, SchemaObject } from '../openapi/json-schema';

const check: SchemaObject = { type: 'string', enum: ['up', 'down'] };

export const HEALTH_SCHEMAS: SchemaComponents = {
  Health: {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { type: 'string', enum: ['ok', 'error'] },
      checks: { type: 'object', required: ['postgres', 'kafka'], properties: { postgres: check, kafka: check } },
    },
  },
};
