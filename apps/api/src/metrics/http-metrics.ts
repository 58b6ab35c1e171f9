import { Injectable, NestMiddleware } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';
import type { HttpRequest, HttpResponse } from '../common/http-types';

/** Request counts and latencies by route pattern (never the raw URL: ids would explode the label set). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'beckon_api_http_request_duration_seconds',
      help: 'REST API request duration by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  use(request: HttpRequest, response: HttpResponse, next: () => void): void {
    const stop = this.duration.startTimer();
    response.on('finish', () => {
      const route = request.route?.path === undefined ? 'unmatched' : `${request.baseUrl ?? ''}${request.route.path}`;
      stop({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  }
}
