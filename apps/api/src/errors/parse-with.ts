import { z } from 'zod';
import type { FieldError } from '@beckon/rules';
import { ValidationFailedException } from './validation-failed.exception';

function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    // Name each unknown key as its own field, so a typo such as `rule_id` points at itself.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a known parameter' }));
    }
    return [{ field: issue.path.map(String).join('.') || '(root)', message: issue.message }];
  });
}

/** Validates request input (query strings, bodies) with zod and answers 400 with field messages. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationFailedException(fieldErrors(parsed.error));
  return parsed.data;
}
