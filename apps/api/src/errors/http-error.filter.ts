import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse } from '../common/http-types';
import { isSegmentPath } from '../common/intake-paths';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  errors?: unknown;
}

/** Errors raised by Express middleware (body-parser) carry their HTTP status but are no HttpException. */
interface MiddlewareError {
  status: number;
  type?: string;
  expose?: boolean;
  message: string;
}

function isMiddlewareError(exception: unknown): exception is MiddlewareError {
  const candidate = exception as Partial<MiddlewareError> | null;
  return (
    typeof candidate?.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    candidate.expose === true
  );
}

const MIDDLEWARE_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'the request body is not valid JSON',
  'entity.too.large': 'the request body is too large',
  'encoding.unsupported': 'the request body encoding is not supported',
  'charset.unsupported': 'the request body charset is not supported',
};

/**
 * SQLSTATE class 22 (data exception: invalid encoding, numeric overflow, bad datetime, string too
 * long) is raised by a value, not by the server's state, and the API only stores values that came
 * in a request. The edge refuses such values first; this is the last line of defence, so a value
 * the validation missed is still the client's 400, while every other database error (connection
 * lost, deadlock, constraint bug) stays a 500.
 */
function inputDataExceptionOf(exception: unknown): string | null {
  const candidate = exception as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) ? code : null;
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return { statusCode, error: reasonPhrase(statusCode), message: response };
    const { message, error, errors } = response as Partial<ErrorBody>;
    return {
      statusCode,
      error: typeof error === 'string' ? error : reasonPhrase(statusCode),
      message: message ?? exception.message,
      ...(errors === undefined ? {} : { errors }),
    };
  }
  if (isMiddlewareError(exception)) {
    const message = (exception.type && MIDDLEWARE_MESSAGES[exception.type]) ?? exception.message;
    return { statusCode: exception.status, error: reasonPhrase(exception.status), message };
  }
  const sqlState = inputDataExceptionOf(exception);
  if (sqlState !== null) {
    return {
      statusCode: 400,
      error: reasonPhrase(400),
      message: `a value in the request cannot be stored (SQLSTATE ${sqlState})`,
    };
  }
  // Anything else is our bug: its text may hold internals, so the client gets a generic message.
  return { statusCode: 500, error: reasonPhrase(500), message: 'internal error' };
}

/** One error shape for every route, including the ones Nest and Express answer on their own (404, bad JSON). */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const body = toErrorBody(exception);
    // Segment's senders know a too-large request as a 400 (and do not retry it), as Segment answers.
    if (body.statusCode === 413 && isSegmentPath(host.switchToHttp().getRequest<HttpRequest>().url)) {
      body.statusCode = 400;
      body.error = reasonPhrase(400);
    }
    if (exception instanceof HttpException) {
      if (body.statusCode >= 500) this.logger.warn(`${body.statusCode}: ${exception.message}`);
    } else if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (response.headersSent) return;
    // Set explicitly: a handler may already have declared another type (the HTML unsubscribe pages).
    response.status(body.statusCode).setHeader('Content-Type', 'application/json; charset=utf-8');
    response.json(body);
  }
}
