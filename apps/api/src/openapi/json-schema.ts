import { getSchemaPath } from '@nestjs/swagger';
import { z } from 'zod';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

export type { SchemaObject };

/** Named schemas each domain contributes to `components.schemas`. */
export type SchemaComponents = Record<string, SchemaObject>;

export const ref = (name: string): { $ref: string } => ({ $ref: getSchemaPath(name) });

export const isoDateTime: SchemaObject = { type: 'string', format: 'date-time' };
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/**
 * A request schema generated from the zod schema that validates it, so the document cannot drift
 * from what the API accepts. Refinements JSON Schema cannot express are described in words.
 */
export function schemaFromZod(schema: z.ZodType): SchemaObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  });
  return json as SchemaObject;
}
