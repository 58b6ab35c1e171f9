import { getSchemaPath } from '@nestjs/swagger';
import { z } from 'zod';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

export type { SchemaObject };

/** Named schemas each domain contributes to `components.schemas`. */
export type SchemaComponents = Record<string, SchemaObject>;

export const ref = (name: string): { $ref: string } => ({ $ref: getSchemaPath(name) });

export const isoDateTime: SchemaObject = { type: 'string', format: 'date-time' };
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/** Zod writes out the regex of each string format; for these, OpenAPI's format says it all. */
const FORMATS_WITHOUT_PATTERN = new Set(['uuid', 'date-time']);

/** What every schema generated from zod gets; an override of a schema's own JSON runs after it. */
export function tidyGeneratedSchema(json: SchemaObject): void {
  if (json.format !== undefined && FORMATS_WITHOUT_PATTERN.has(json.format)) delete json.pattern;
}

/** Zod schemas by the component name they are documented under. */
export type ZodComponents = Record<string, z.ZodType>;

export interface ZodComponentOptions {
  /** `input` for what a request may send (defaulted fields optional), `output` for what a response holds. */
  io: 'input' | 'output';
  /** Components generated elsewhere that these contain: they become a $ref rather than a copy. */
  referenced?: ZodComponents;
  /** Rewrites the JSON generated for one zod schema, for what a schema accepts before its own validation. */
  override?: (schema: z.core.$ZodType, json: SchemaObject) => void;
}

/**
 * OpenAPI 3.0 components generated from the zod schemas that validate the data, so the document
 * cannot drift from what the API accepts: limits, defaults and descriptions (zod `.meta`) are
 * written once, in the schema. Refinements JSON Schema cannot express are described in words there.
 */
export function componentsFromZod(components: ZodComponents, options: ZodComponentOptions): SchemaComponents {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...options.referenced, ...components })) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: options.io,
    unrepresentable: 'throw',
    uri: (id) => ref(id).$ref,
    override: ({ zodSchema, jsonSchema }) => {
      tidyGeneratedSchema(jsonSchema as SchemaObject);
      options.override?.(zodSchema, jsonSchema as SchemaObject);
    },
  });
  // Schemas that reach themselves would land in a `__shared` document OpenAPI 3.0 cannot point into.
  if ('__shared' in schemas) throw new Error('a zod schema of the API document refers to itself');
  return Object.fromEntries(
    Object.keys(components).map((id) => {
      const { $id: _uri, ...json } = schemas[id]!;
      return [id, json as SchemaObject];
    }),
  );
}
