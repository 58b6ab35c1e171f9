import type { OpenAPIObject } from '@nestjs/swagger';
import { ref } from '../openapi/json-schema';

/** What the edge refuses before any route runs (input-safety/), in one sentence for the document. */
export const INPUT_REFUSALS_DESCRIPTION =
  'Input PostgreSQL could not store is refused on every path: NUL, lone UTF-16 surrogates, and percent escapes ' +
  'that are not UTF-8 (%ED%A0%80, %C0%80) in the path, query or a JSON body, and JSON nested over 64 levels, answer 400; ' +
  'a body over 5 MB answers 413; a body that is not application/json (the unsubscribe endpoints excepted) answers 415.';

const BODY_METHODS = new Set(['post', 'put', 'patch']);

const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });

/**
 * Adds to every operation the refusals the edge answers for it, so the document lists them route
 * by route without each controller repeating three decorators. An answer a route already
 * documents (the unsubscribe pages' HTML 400) is kept as it is.
 */
export function documentInputRefusals(document: OpenAPIObject): void {
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as Array<
      [string, { responses?: object; requestBody?: unknown }]
    >) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      const responses = (operation.responses ?? {}) as Record<string, unknown>;
      responses['400'] ??= error('the path or query holds NUL, a lone surrogate or percent escapes that are not UTF-8');
      if (BODY_METHODS.has(method)) responses['413'] ??= error('the request body is over 5 MB');
      if (operation.requestBody !== undefined) {
        responses['415'] ??= error('the request body is not application/json (or has a charset other than UTF-8)');
      }
      operation.responses = responses;
    }
  }
}
