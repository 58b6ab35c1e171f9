import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthReport, HealthService } from '@beckon/observability';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { ref } from '../openapi/json-schema';

@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: PostgreSQL and Kafka reachable (public)' })
  @ApiResponse({ status: 200, description: 'ready', schema: ref('Health') })
  @ApiResponse({ status: 503, description: 'a dependency is down; `checks` names it', schema: ref('Health') })
  async health(@Res({ passthrough: true }) response: HttpResponse): Promise<HealthReport> {
    const report = await this.readiness.report();
    // A 503 takes the instance out of a load balancer; the body still says which dependency failed.
    if (report.status !== 'ok') response.status(503);
    return report;
  }
}
