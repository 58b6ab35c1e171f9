import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { BeckonConfig } from '@beckon/config';
import { loggerFor, ServiceAppOptions } from '@beckon/observability';
import { ApiModule } from './api.module';
import { browserCors } from './cors/browser-cors';
import { parsesAsJson } from './input-safety/content-type-policy';
import { refuseUnreadableRequest, refuseUnstorableBody } from './input-safety/input-safety.middleware';
import { setupOpenApi } from './openapi/setup-openapi';

/**
 * A whole batch of events may reach 500 × (up to 1 MB each) in theory; 5 MB bounds what one request
 * can make the process buffer, while each event's own 1 MB limit is checked by the event parser.
 */
const JSON_BODY_LIMIT = '5mb';

/**
 * Builds and initialises the API (connects PostgreSQL and Kafka) without listening, so main.ts and
 * the tests start exactly the same application.
 */
export async function createApiApp(config: BeckonConfig, options: ServiceAppOptions = {}): Promise<INestApplication> {
  const logger = loggerFor('api', config, options);
  return logger.run(async () => {
    const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
      logger,
      bodyParser: true,
    });
    // Order matters: CORS answers a preflight before anything else; the request target and content
    // type are checked before anything parses them, the parsed body before any route reads it.
    app.use(browserCors(config.CORS_ORIGINS));
    app.use(refuseUnreadableRequest);
    app.useBodyParser('json', {
      limit: JSON_BODY_LIMIT,
      type: (request: { url: string; headers: { 'content-type'?: string } }) =>
        parsesAsJson(request.url, request.headers['content-type']),
      // The Segment paths refuse bodies over Segment's own batch limit, well under this parser's.
      verify: (request: { bodyBytes?: number }, _response: unknown, body: Buffer) => {
        request.bodyBytes = body.length;
      },
    });
    // RFC 8058 one-click POSTs are form-encoded and tiny.
    app.useBodyParser('urlencoded', { limit: '10kb', extended: false });
    app.use(refuseUnstorableBody);
    app.disable('x-powered-by');
    setupOpenApi(app);
    await app.init();
    return app;
  });
}
