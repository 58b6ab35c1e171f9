import { Injectable, NestMiddleware } from '@nestjs/common';
import { withCorrelation } from '@beckon/observability';
import type { HttpRequest, HttpResponse } from '../common/http-types';
import { correlationIdFrom } from './correlation-id';

export const CORRELATION_HTTP_HEADER = 'X-Correlation-Id';

/**
 * Gives every request a correlation id (the caller's, or a new one), echoes it in the response and
 * lets every line logged while handling it carry it; events ingested over HTTP take it to Kafka.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(request: HttpRequest, response: HttpResponse, next: () => void): void {
    const correlationId = correlationIdFrom(request.headers[CORRELATION_HTTP_HEADER.toLowerCase()]);
    request.correlationId = correlationId;
    response.setHeader(CORRELATION_HTTP_HEADER, correlationId);
    withCorrelation(correlationId, next);
  }
}
