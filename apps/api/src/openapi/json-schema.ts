import { getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

export type { SchemaObject };

/** Named schemas each domain contributes to `components.schemas`. */
export type SchemaComponents = Record<string, SchemaObject>;

export const ref = (name: string): { $ref: string } => ({ $ref: getSchemaPath(name) });

export const isoDateTime: SchemaObject = { type: 'string', format: 'date-time' };
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
