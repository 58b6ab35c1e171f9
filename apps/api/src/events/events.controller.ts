import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EventIntake } from '../auth/intake.decorator';
import type { HttpRequest } from '../common/http-types';
import { ApiKeyErrors, ApiValidationError } from '../errors/error.openapi';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY } from '../openapi/security';
import { MAX_BATCH, prepareEvents } from './event-intake';
import { PRODUCT_ADDED_EXAMPLE } from './events.openapi';
import { EventsPublisher } from './events.publisher';

@ApiTags('events')
@ApiSecurity(API_KEY_SECURITY)
@ApiKeyErrors()
@EventIntake()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly publisher: EventsPublisher) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest storefront events over HTTP',
    description: `One event, or {"batch": [...]} with up to ${MAX_BATCH}. Every event is validated first; if any is invalid nothing is produced and the errors name batch.<index>.`,
  })
  @ApiBody({
    schema: { oneOf: [ref('StorefrontEvent'), ref('EventBatch')] },
    examples: {
      single: { summary: 'One event', value: PRODUCT_ADDED_EXAMPLE },
      batch: { summary: 'A batch', value: { batch: [PRODUCT_ADDED_EXAMPLE] } },
    },
  })
  @ApiResponse({ status: 202, description: 'produced to the events topic', schema: ref('EventsAccepted') })
  @ApiValidationError('an event is invalid; nothing was produced')
  @ApiResponse({
    status: 403,
    description: 'a source (write) key sent an event only the shop’s server may send (named); nothing was produced',
    schema: ref('Error'),
  })
  @ApiResponse({
    status: 413,
    description:
      'the body is over 5 MB, or an event is larger than the broker takes even gzip-compressed; nothing was produced',
    schema: ref('Error'),
  })
  @ApiResponse({ status: 503, description: 'Kafka did not take the events; retry', schema: ref('Error') })
  async ingest(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ accepted: number }> {
    const events = prepareEvents(body, { untrusted: request.apiRole === 'source' });
    await this.publisher.publish(events, request.correlationId);
    return { accepted: events.length };
  }
}
