import { applyDecorators, BadRequestException, Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SegmentIntake } from '../auth/intake.decorator';
import type { HttpRequest } from '../common/http-types';
import type { SegmentCall } from '../common/intake-paths';
import { ApiKeyErrors } from '../errors/error.openapi';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY, WRITE_KEY_BASIC_SECURITY } from '../openapi/security';
import { prepareReceivedEvents } from './event-intake';
import { EventsPublisher } from './events.publisher';
import { SEGMENT_CALL_EXAMPLES } from './segment.openapi';
import { SEGMENT_BATCH_BYTES, SEGMENT_EVENT_BYTES, segmentEvents } from './segment-intake';

const documented = (call: SegmentCall, summary: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      summary,
      description: `Segment's HTTP Tracking API, so Segment and RudderStack senders work by changing their host. At most ${SEGMENT_EVENT_BYTES} bytes an event and ${SEGMENT_BATCH_BYTES} bytes a request; a missing messageId is generated, a missing timestamp is the time received. All or nothing, validated like POST /v1/events.`,
    }),
    ApiBody({
      schema: ref(call === 'batch' ? 'SegmentBatch' : 'StorefrontEvent'),
      examples: SEGMENT_CALL_EXAMPLES[call],
    }),
    HttpCode(200),
    ApiResponse({ status: 200, description: 'produced to the events topic', schema: ref('SegmentSuccess') }),
    ApiResponse({
      status: 400,
      description: 'not JSON, over a size limit, or an event is invalid; nothing was taken',
      schema: ref('Error'),
    }),
    ApiResponse({
      status: 403,
      description: 'a source (write) key sent an event only the shop’s server may send (named); nothing was taken',
      schema: ref('Error'),
    }),
    ApiResponse({ status: 503, description: 'Kafka did not take the events; retry', schema: ref('Error') }),
  );

@ApiTags('segment')
@ApiSecurity(API_KEY_SECURITY)
@ApiSecurity(WRITE_KEY_BASIC_SECURITY)
@ApiKeyErrors()
@SegmentIntake()
@Controller('v1')
export class SegmentController {
  constructor(private readonly publisher: EventsPublisher) {}

  @Post('batch')
  @documented('batch', 'Segment batch: {"batch": [...]} of track, identify, page and alias calls')
  batch(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ success: true }> {
    return this.take('batch', body, request);
  }

  @Post('track')
  @documented('track', 'Segment track call')
  track(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ success: true }> {
    return this.take('track', body, request);
  }

  @Post('identify')
  @documented('identify', 'Segment identify call')
  identify(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ success: true }> {
    return this.take('identify', body, request);
  }

  @Post('page')
  @documented('page', 'Segment page call: activity on the timeline')
  page(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ success: true }> {
    return this.take('page', body, request);
  }

  @Post('alias')
  @documented('alias', 'Segment alias call: merges the visitor previousId into userId')
  alias(@Body() body: unknown, @Req() request: HttpRequest): Promise<{ success: true }> {
    return this.take('alias', body, request);
  }

  private async take(call: SegmentCall, body: unknown, request: HttpRequest): Promise<{ success: true }> {
    if (request.bodyBytes !== undefined && request.bodyBytes > SEGMENT_BATCH_BYTES) {
      throw new BadRequestException(
        `the request is ${request.bodyBytes} bytes, over the ${SEGMENT_BATCH_BYTES}-byte limit of a batch; nothing was taken`,
      );
    }
    const events = prepareReceivedEvents(segmentEvents(call, body, new Date()), {
      untrusted: request.apiRole === 'source',
    });
    await this.publisher.publish(events, request.correlationId);
    return { success: true };
  }
}
