import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DISPATCH_STATUSES } from '@beckon/contracts';
import { CHANNELS } from '@beckon/rules';
import { ApiKeyErrors, ApiValidationError } from '../errors/error.openapi';
import { parseWith } from '../errors/parse-with';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY } from '../openapi/security';
import { DispatchLogService, DispatchPage } from './dispatch-log.service';
import {
  dispatchLogQuerySchema,
  dispatchStatsQuerySchema,
  MAX_PAGE_SIZE,
  STATS_BUCKETS,
} from './dispatch-query.schemas';
import { DispatchStats, DispatchStatsService } from './dispatch-stats.service';

const dateTime = { type: 'string', format: 'date-time' } as const;

@ApiTags('dispatches')
@ApiSecurity(API_KEY_SECURITY)
@ApiKeyErrors()
@Controller('v1/dispatches')
export class DispatchesController {
  constructor(
    private readonly log: DispatchLogService,
    private readonly statistics: DispatchStatsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The dispatch log, newest first',
    description: 'Keyset paging: follow `nextCursor` until it is null.',
  })
  @ApiQuery({ name: 'ruleId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'customerId', required: false, type: String })
  @ApiQuery({ name: 'channel', required: false, enum: CHANNELS })
  @ApiQuery({ name: 'status', required: false, enum: DISPATCH_STATUSES })
  @ApiQuery({ name: 'reason', required: false, type: String, example: 'capped:email:16h' })
  @ApiQuery({ name: 'since', required: false, schema: dateTime, description: 'created at or after' })
  @ApiQuery({ name: 'until', required: false, schema: dateTime, description: 'created before' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
  })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: '`nextCursor` of the previous page' })
  @ApiResponse({ status: 200, description: 'one page of the log', schema: ref('DispatchPage') })
  @ApiValidationError()
  list(@Query() query: unknown): Promise<DispatchPage> {
    return this.log.page(parseWith(dispatchLogQuerySchema, query));
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Dispatch counts, time series, suppression reasons and per-rule funnel with conversions and holdout',
    description: [
      'Counts the dispatches created in [since, until) by their current status. Defaults to the last 7 days.',
      '`series` buckets them per UTC hour or day; `rules` gives each rule (with dispatches in the range, or the',
      'one asked for) its funnel per step: triggered (decided, holdout excluded), sent, failed, suppressed,',
      'conversions (orders attributed last-touch to the step’s dispatches) and revenue, conversionRate =',
      'conversions / sent; and its holdout comparison: sequences whose first step was sent vs held out, and the',
      'share of each followed by an order within the rule’s longest attribution window.',
      'Revenue is the sum of order totals in the shop’s currency (one currency assumed).',
    ].join(' '),
  })
  @ApiQuery({ name: 'since', required: false, schema: dateTime })
  @ApiQuery({ name: 'until', required: false, schema: dateTime })
  @ApiQuery({ name: 'ruleId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'bucket',
    required: false,
    enum: STATS_BUCKETS,
    description: 'width of the `series` buckets (UTC); default hour for ranges up to 72 hours, else day',
  })
  @ApiResponse({
    status: 200,
    description: 'counts, series, reasons and per-rule funnels',
    schema: ref('DispatchStats'),
  })
  @ApiValidationError()
  stats(@Query() query: unknown): Promise<DispatchStats> {
    return this.statistics.stats(parseWith(dispatchStatsQuerySchema, query));
  }
}
