import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { isSegmentPath } from '../common/intake-paths';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { carriesBody, readsBody, unsupportedBodyReason } from './content-type-policy';
import { findUnstorableValue, unstorableUrlReason } from './unstorable-text';

/** What these middlewares read of Express's request. */
interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

const pathOf = (request: RawRequest): string => request.url.split('?', 1)[0] ?? '';

type Next = (error?: unknown) => void;

const header = (request: RawRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Runs before routing and body parsing, as plain Express middleware (no path, so Express decodes
 * no parameter yet): a request target whose escapes are not valid UTF-8, or that holds NUL or a
 * lone surrogate, is a 400 here rather than a URIError in the router or a PostgreSQL encoding
 * error (a 500) later; a body of a type the route does not read is a 415 before it is read.
 */
export function refuseUnreadableRequest(request: RawRequest, _response: unknown, next: Next): void {
  const target = unstorableUrlReason(request.url);
  if (target !== null) return next(new BadRequestException(`the request path or query ${target}`));
  if (carriesBody(request.headers)) {
    const unsupported = unsupportedBodyReason(pathOf(request), header(request, 'content-type'));
    if (unsupported !== null) return next(new UnsupportedMediaTypeException(unsupported));
  }
  next();
}

/**
 * Runs after the body parsers: a body holding a string PostgreSQL cannot store is a 400 naming the
 * field. A body no route reads (the one-click unsubscribe's) is left alone, as that route promises.
 */
export function refuseUnstorableBody(request: RawRequest, _response: unknown, next: Next): void {
  if (request.body === undefined || request.body === null || !readsBody(pathOf(request))) return next();
  // Events are judged as the engine judges them on Kafka: a lone surrogate is repaired, not refused.
  const repairsSurrogates = pathOf(request) === '/v1/events' || isSegmentPath(request.url);
  const found = findUnstorableValue(request.body, 'body', { repairsSurrogates });
  if (found !== null) return next(new ValidationFailedException([found]));
  next();
}
