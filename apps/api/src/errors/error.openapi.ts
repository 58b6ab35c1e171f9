import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ref, SchemaComponents } from '../openapi/json-schema';

export const ERROR_SCHEMAS: SchemaComponents = {
  Error: {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 404 },
      error: { type: 'string', example: 'Not Found' },
      message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    },
  },
  ValidationError: {
    type: 'object',
    required: ['statusCode', 'error', 'message', 'errors'],
    properties: {
      statusCode: { type: 'integer', example: 400 },
      error: { type: 'string', example: 'Bad Request' },
      message: { type: 'array', items: { type: 'string' }, example: ['steps.0.after: must be an ISO 8601 duration'] },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: { field: { type: 'string', example: 'steps.0.after' }, message: { type: 'string' } },
        },
      },
    },
  },
};

/** The 401/403 every keyed route can answer. */
export const ApiKeyErrors = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiResponse({ status: 401, description: 'missing or unknown X-API-Key', schema: ref('Error') }),
    ApiResponse({
      status: 403,
      description: 'the key’s role may not do this (ops is read-only)',
      schema: ref('Error'),
    }),
  );

export const ApiValidationError = (description = 'invalid input; one message per field'): MethodDecorator =>
  ApiResponse({ status: 400, description, schema: ref('ValidationError') });

export const ApiNotFound = (description: string): MethodDecorator =>
  ApiResponse({ status: 404, description, schema: ref('Error') });
