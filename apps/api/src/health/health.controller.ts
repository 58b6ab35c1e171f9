import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import type { HttpResponse } from '../common/http-types';
import { ref } from '../openapi/json-schema';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { PostgresHealthIndicator } from './postgres-health.indicator';

type CheckState = 'up' | 'down';

export interface HealthReport {
  status: 'ok' | 'error';
  checks: { postgres: CheckState; kafka: CheckState };
}

@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly postgres: PostgresHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: PostgreSQL and Kafka reachable (public)' })
  @ApiResponse({ status: 200, description: 'ready', schema: ref('Health') })
  @ApiResponse({ status: 503, description: 'a dependency is down; `checks` names it', schema: ref('Health') })
  async health(@Res({ passthrough: true }) response: HttpResponse): Promise<HealthReport> {
    const [postgres, kafka] = await Promise.all([this.postgres.isUp(), this.kafka.isUp()]);
    const report: HealthReport = {
      status: postgres && kafka ? 'ok' : 'error',
      checks: { postgres: postgres ? 'up' : 'down', kafka: kafka ? 'up' : 'down' },
    };
    // A 503 takes the instance out of a load balancer; the body still says which dependency failed.
    if (report.status !== 'ok') response.status(503);
    return report;
  }
}
