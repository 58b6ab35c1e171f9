import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyErrors, ApiValidationError } from '../errors/error.openapi';
import { parseWith } from '../errors/parse-with';
import { ref } from '../openapi/json-schema';
import { API_KEY_SECURITY } from '../openapi/security';
import { ApiQueryFromZod } from '../openapi/zod-query';
import { DispatchLogService, DispatchPage } from './dispatch-log.service';
import { dispatchLogQuerySchema, dispatchStatsQuerySchema } from './dispatch-query.schemas';
import { DispatchStats, DispatchStatsService } from './dispatch-stats.service';

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
  @ApiQueryFromZod(dispatchLogQuerySchema)
  @ApiResponse({ status: 200, description: 'one page of the log', schema: ref('DispatchPage') })
  @ApiValidationError()
  list(@Query() query: unknown): Promise<DispatchPage> {
    return this.log.page(parseWith(dispatchLogQuerySchema, query));
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Dispatch counts, time series, suppression reasons, per-rule funnel with conversions and holdout, and NPS',
    description: [
      'Counts the dispatches created in [since, until) by their current status. Defaults to the last 7 days.',
      '`series` buckets them per UTC hour or day; `rules` gives each rule (with dispatches in the range, or the',
      'one asked for) its funnel per step: triggered (decided, holdout excluded), sent, failed, suppressed,',
      'conversions (orders attributed last-touch to the step’s dispatches) and revenue, conversionRate =',
      'conversions / sent; and its holdout comparison: sequences whose first step was sent vs held out, and the',
      'share of each followed by an order within the rule’s longest attribution window.',
      'Revenue is the sum of order totals in the shop’s currency (one currency assumed).',
      '`nps` is the shop’s Net Promoter Score over every survey answer given in the range (answered_at), whatever',
      '`ruleId` says, and `npsSeries` the same per bucket; each post_purchase rule in `rules` carries the `nps` of',
      'its own survey’s answers (and is listed when it has answers in the range even without dispatches there).',
    ].join(' '),
  })
  @ApiQueryFromZod(dispatchStatsQuerySchema)
  @ApiResponse({
    status: 200,
    description: 'counts, series, reasons, per-rule funnels and NPS',
    schema: ref('DispatchStats'),
  })
  @ApiValidationError()
  stats(@Query() query: unknown): Promise<DispatchStats> {
    return this.statistics.stats(parseWith(dispatchStatsQuerySchema, query));
  }
}
