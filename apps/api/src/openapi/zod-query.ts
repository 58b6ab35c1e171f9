import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiQueryOptions } from '@nestjs/swagger';
import { z } from 'zod';
import { SchemaObject, tidyGeneratedSchema } from './json-schema';

/**
 * The query parameters of a route, one per property of the zod object that parses its query, with
 * the property's limits, default and (from `.meta`) description and example.
 */
export function queryParametersFromZod(query: z.ZodType): ApiQueryOptions[] {
  const json = z.toJSONSchema(query, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ jsonSchema }) => tidyGeneratedSchema(jsonSchema as SchemaObject),
  });
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    // The description is the parameter's; an example stays in the schema, where Nest keeps it.
    const { description, ...schema } = property as SchemaObject;
    return { name, required: required.has(name), schema, ...(description === undefined ? {} : { description }) };
  });
}

/** `@ApiQuery` for every parameter the zod schema of the query takes. */
export function ApiQueryFromZod(query: z.ZodType): MethodDecorator {
  return applyDecorators(...queryParametersFromZod(query).map((parameter) => ApiQuery(parameter)));
}
