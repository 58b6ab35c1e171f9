import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CAPS_SCHEMAS } from '../caps/caps.openapi';
import { CUSTOMER_SCHEMAS } from '../customers/customer.openapi';
import { DISPATCH_SCHEMAS } from '../dispatches/dispatch.openapi';
import { ERROR_SCHEMAS } from '../errors/error.openapi';
import { documentInputRefusals, INPUT_REFUSALS_DESCRIPTION } from '../errors/input-refusals.openapi';
import { EVENT_SCHEMAS } from '../events/events.openapi';
import { SEGMENT_SCHEMAS } from '../events/segment.openapi';
import { HEALTH_SCHEMAS } from '../health/health.openapi';
import { API_KEY_HEADER } from '../auth/api-key.guard';
import { RULE_SCHEMAS } from '../rules/rule.openapi';
import { SDK_SCHEMAS } from '../sdk/sdk.openapi';
import { API_KEY_SECURITY, WRITE_KEY_BASIC_SECURITY } from './security';

export const DOCS_PATH = 'docs';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Beckon REST API')
    .setDescription(
      'Trigger rules, frequency caps and quiet hours, the dispatch log, customers and HTTP event ingest. Every /v1 call needs the X-API-Key header: ' +
        'the marketer role may read and write, the ops role may only read, the source role (a write key for web pages) may only send events (the Segment paths also take it as HTTP Basic or writeKey). Errors are {statusCode, error, message}; ' +
        'a 400 lists field messages and an `errors` array of {field, message}. Every response carries X-Correlation-Id: the ' +
        "request's own when it sent a short token, else a new UUID; events posted to /v1/events carry it to the dispatches they start. " +
        INPUT_REFUSALS_DESCRIPTION,
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_SECURITY)
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'Segment paths only: the write key as user name, no password' },
      WRITE_KEY_BASIC_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Validation is zod, not class-validator, so the schemas are registered by hand rather than derived from DTO classes.
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...ERROR_SCHEMAS,
      ...RULE_SCHEMAS,
      ...CAPS_SCHEMAS,
      ...DISPATCH_SCHEMAS,
      ...CUSTOMER_SCHEMAS,
      ...EVENT_SCHEMAS,
      ...SEGMENT_SCHEMAS,
      ...HEALTH_SCHEMAS,
      ...SDK_SCHEMAS,
    },
  };
  documentInputRefusals(document);
  return document;
}

/** Swagger UI at /docs, the JSON document at /docs-json. Both are public: they describe, they do not expose data. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
