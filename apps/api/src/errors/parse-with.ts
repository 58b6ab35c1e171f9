import { z } from 'zod';
import { toFieldErrors } from '@beckon/rules';
import { ValidationFailedException } from './validation-failed.exception';

/** Validates request input (query strings, bodies) with zod and answers 400 with field messages. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationFailedException(toFieldErrors(parsed.error));
  return parsed.data;
}
