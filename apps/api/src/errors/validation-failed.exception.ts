import { BadRequestException } from '@nestjs/common';
import type { FieldError } from '@beckon/rules';

/**
 * A 400 that carries every field problem at once: `message` stays readable for humans and generic
 * clients, `errors` lets a form put each message next to its field.
 */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: errors.map((error) => `${error.field}: ${error.message}`),
      errors,
    });
  }
}
